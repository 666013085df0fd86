package io.klite.runtime.worker;

import io.klite.log.Limits;
import io.klite.camel.KliteComponent;
import io.klite.log.KliteLog;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route template {@value #TEMPLATE} and a route from it for each worker of the worker file.
 *
 * <p>A worker route consumes one partition for one group with {@code batching=true}, POSTs each batch as JSON and
 * has the batch committed only when the answer is 2xx. Any other answer, no answer within the timeout, or no
 * connection fails the exchange: the consumer holds that partition back for {@code interval} and posts the same
 * batch again, while every other partition, each its own route, goes on.
 */
public final class HttpWorkerRoutes extends RouteBuilder {

    public static final String TEMPLATE = "klite-http-worker";

    /** {@code klite.workers}: the worker file; by default {@code workers.yaml}, {@code workers.yml} or {@code workers.json}. */
    public static final String WORKERS_PROPERTY = "klite.workers";

    /** {@code klite.worker.timeout}: the longest wait to connect, then for the answer (the http(s) components' timeouts). */
    public static final String TIMEOUT_PROPERTY = "klite.worker.timeout";
    static final List<String> DEFAULT_FILES = List.of("workers.yaml", "workers.yml", "workers.json");
    static final List<String> KLITE_SETTINGS = List.of(WORKERS_PROPERTY, TIMEOUT_PROPERTY);
    static final List<String> PARAMETERS = List.of("topic", "group", "partition", "endpoint", "batchSize", "interval",
            "partitionCount");

    private static final Logger LOG = LoggerFactory.getLogger(HttpWorkerRoutes.class);

    private final DeliveryLog deliveryLog = new DeliveryLog();

    @Override
    public void configure() {
        checkKliteSettings();
        String timeout = getContext().resolvePropertyPlaceholders("{{" + TIMEOUT_PROPERTY + "}}");
        try {
            HttpWorker.Settings.duration(timeout);
        } catch (IllegalArgumentException e) {
            throw new WorkerConfigException(TIMEOUT_PROPERTY + ": " + e.getMessage(), e);
        }
        bindToRegistry(DeliveryLog.BEAN, deliveryLog);
        HealthCheckRegistry health = HealthCheckRegistry.get(getContext());
        if (health != null) {
            WorkersHealthCheck check = new WorkersHealthCheck(deliveryLog);
            check.setCamelContext(getContext());
            health.register(check);
        }

        routeTemplate(TEMPLATE)
                .templateParameter("topic", null, "The topic to deliver")
                .templateParameter("group", null, "The consumer group whose committed offset the route moves")
                .templateParameter("partition", null, "The partition to deliver (one number)")
                .templateParameter("endpoint", null, "The http(s) URL each batch is POSTed to")
                .templateParameter("batchSize", String.valueOf(Limits.DEFAULT_BATCH_SIZE),
                        "Most messages per POST")
                .templateParameter("interval", Limits.DEFAULT_INTERVAL,
                        "Wait before a failed batch is posted again, and between polls while idle (500ms, 5s, 1m)")
                .templateParameter("partitionCount", "1",
                        "Partitions the topic gets where the route creates it (more than partition)")
                .configure(HttpWorkerRoutes::prepareRoute)
                // what makes it a worker is pinned, whatever camel.component.klite.* says for other endpoints
                .from("klite:{{topic}}?group={{group}}&partition={{partition}}&partitionCount={{partitionCount}}"
                      + "&batching=true&batchSize={{batchSize}}&initialDelay=0&delay={{interval}}"
                      + "&autoOffsetReset=earliest&allowManualCommit=false&bridgeErrorHandler=false"
                      + "&exceptionHandler=#" + DeliveryLog.BEAN)
                .errorHandler(noErrorHandler())
                .setProperty(DeliveryLog.ENDPOINT, constant("{{endpoint}}"))
                .setProperty(DeliveryLog.INTERVAL, constant("{{interval}}"))
                .setProperty(DeliveryLog.TIMEOUT, constant("{{" + TIMEOUT_PROPERTY + "}}"))
                .process(HttpWorkerRoutes::toPost)
                .toD("${exchangeProperty." + DeliveryLog.ORIGIN + "}")
                .bean(deliveryLog, "delivered");

        for (HttpWorker worker : workers()) {
            templatedRoute(TEMPLATE).routeId(worker.routeId())
                    .parameter("topic", worker.topic())
                    .parameter("group", worker.group())
                    .parameter("partition", String.valueOf(worker.partition()))
                    .parameter("partitionCount", String.valueOf(worker.partitionCount()))
                    .parameter("endpoint", worker.endpoint().toString())
                    .parameter("batchSize", String.valueOf(worker.batchSize()))
                    .parameter("interval", text(worker.interval()));
        }
    }

    /** The workers of the worker file, or none where there is no file. */
    private List<HttpWorker> workers() {
        Optional<String> named = getContext().getPropertiesComponent().resolveProperty(WORKERS_PROPERTY)
                .filter(name -> !name.isBlank());
        Path file;
        if (named.isPresent()) {
            file = Path.of(named.get());
            if (!Files.isRegularFile(file)) {
                throw new WorkerConfigException(WORKERS_PROPERTY + ": the worker file '" + named.get()
                        + "' does not exist (looked in " + file.toAbsolutePath().getParent() + ")");
            }
        } else {
            List<Path> present = DEFAULT_FILES.stream().map(Path::of).filter(Files::isRegularFile).toList();
            if (present.size() > 1) {
                throw new WorkerConfigException("Found worker files " + present + " in "
                        + Path.of("").toAbsolutePath() + "; keep one, or choose one with " + WORKERS_PROPERTY);
            }
            if (present.isEmpty()) {
                LOG.info("No worker file ({} or {}=<file>): no HTTP workers", DEFAULT_FILES, WORKERS_PROPERTY);
                return List.of();
            }
            file = present.get(0);
        }
        List<HttpWorker> workers = WorkerFile.read(file);
        // every worker is checked against the database before any route creates a topic
        withLog(getContext(), log -> {
            for (HttpWorker worker : workers) {
                try {
                    HttpWorker.Settings.fitsDatabase(log, worker.topic(), worker.partition());
                } catch (RuntimeException e) {
                    throw new WorkerConfigException(file + ": topics." + worker.topic() + ".consumerGroups."
                            + worker.group() + ".partitions: " + e.getMessage(), e);
                }
            }
        });
        LOG.info("Worker file {}: {} route(s), one per topic, group and partition", file, workers.size());
        return workers;
    }

    /**
     * Checks a templated route's parameters before Camel creates the route, and creates its topic where it does not
     * exist yet, with enough partitions for the route's partition.
     */
    static void prepareRoute(RouteTemplateContext route) {
        Map<String, Object> parameters = route.getParameters();
        Function<String, String> where = name -> "Route template " + TEMPLATE + " (topic '" + parameters.get("topic")
                + "', group '" + parameters.get("group") + "', partition '" + parameters.get("partition")
                + "'): parameter " + name;
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new WorkerConfigException(where.apply(name) + " is unknown; the parameters are "
                        + String.join(", ", PARAMETERS));
            }
        }
        String topic = check(where, parameters, "topic", HttpWorker.Settings::topic);
        check(where, parameters, "group", HttpWorker.Settings::group);
        int partition = check(where, parameters, "partition", HttpWorker.Settings::partition);
        int partitionCount = check(where, parameters, "partitionCount", HttpWorker.Settings::partitionCount);
        check(where, parameters, "batchSize", HttpWorker.Settings::batchSize);
        check(where, parameters, "interval", HttpWorker.Settings::duration);
        check(where, parameters, "endpoint", HttpWorker.Settings::endpoint);

        withLog(route.getCamelContext(), log -> {
            try {
                HttpWorker.Settings.fitsDatabase(log, topic, partition);
            } catch (RuntimeException e) {
                throw new WorkerConfigException(where.apply("partition") + ": " + e.getMessage(), e);
            }
            log.createTopicIfAbsent(topic, Math.max(partitionCount, partition + 1));
        });
    }

    /** Runs {@code work} on the klite: component's log of its database. */
    private static void withLog(CamelContext context, Consumer<KliteLog> work) {
        KliteComponent klite = context.getComponent("klite", KliteComponent.class);
        KliteLog log = klite.acquireLog(klite.getConfiguration().getDatabase());
        try {
            work.accept(log);
        } finally {
            klite.releaseLog(log);
        }
    }

    /**
     * Makes the consumed batch a POST of its JSON to the worker's endpoint: the URL exactly as configured (query
     * included) goes in {@link Exchange#HTTP_URI}; the route sends to the endpoint's origin, so that no part of the
     * URL is read as a Camel option.
     */
    private static void toPost(Exchange exchange) throws InvalidPayloadException {
        URI endpoint = URI.create(exchange.getProperty(DeliveryLog.ENDPOINT, String.class));
        exchange.setProperty(DeliveryLog.ORIGIN, HttpWorker.origin(endpoint));
        Message message = exchange.getIn();
        message.setBody(message.getMandatoryBody(byte[].class));
        message.setHeader(Exchange.HTTP_URI, endpoint.toString());
        // the enum itself: as text, camel-http would convert it on every exchange, through reflection
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /** Refuses a {@code klite.*} setting Klite does not have: a typo would otherwise pass as the default. */
    private void checkKliteSettings() {
        PropertiesComponent properties = getContext().getPropertiesComponent();
        Map<Object, Object> settings = new HashMap<>(properties.loadProperties(key -> key.startsWith("klite.")));
        // --key=value arguments are override properties, which loadProperties leaves out
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camelProperties) {
            addKliteSettings(settings, camelProperties.getInitialProperties());
            addKliteSettings(settings, camelProperties.getOverrideProperties());
        }
        settings.forEach((key, value) -> {
            if (!KLITE_SETTINGS.contains(key.toString())) {
                throw new WorkerConfigException("Unknown setting " + key + "=" + value + "; Klite's own settings are "
                        + String.join(" and ", KLITE_SETTINGS));
            }
        });
    }

    private static void addKliteSettings(Map<Object, Object> settings, Properties more) {
        if (more != null) {
            more.forEach((key, value) -> {
                if (key.toString().startsWith("klite.")) {
                    settings.put(key, value);
                }
            });
        }
    }

    private static <T> T check(Function<String, String> where, Map<String, Object> parameters, String name,
                               Function<String, T> check) {
        Object value = parameters.get(name);
        try {
            return check.apply(value == null ? null : value.toString());
        } catch (RuntimeException e) {
            throw new WorkerConfigException(where.apply(name) + ": " + e.getMessage(), e);
        }
    }

    private static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 60_000 == 0 ? millis / 60_000 + "m" : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
