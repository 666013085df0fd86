package io.klite.runtime.worker;

import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.util.StringHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route template {@value #TEMPLATE} and a route from it for each worker of the worker file.
 *
 * <p>A worker route consumes one partition for one group with {@code batching=true}, POSTs each batch as JSON and
 * has the batch committed only when the answer is 2xx. Any other answer, no answer within the timeout, or no
 * connection fails the exchange: the consumer holds that partition back for {@code interval} and posts the same
 * batch again, while every other partition, each its own route, goes on; after {@code maxAttempts} failed posts (at
 * once for a {@link PermanentHttpFailure}) the consumer writes the batch to the dead-letter topic and moves on. An
 * answer other than 2xx fails the exchange with an {@link HttpAnswerFailure}, which names the answer, not the URL.
 * Each worker route is a {@code klite:} consumer, so its health is that consumer's check,
 * {@code consumer:worker:<topic>:<group>:<partition>}: DOWN in readiness while its batch has failed
 * {@code camel.component.klite.unhealthyAfterAttempts} times or for {@code unhealthyAfter}, whichever first.
 * Invariant: a route is created only from an {@link HttpWorker}, whose settings were checked once, where they came in
 * (the worker file, or the template's parameters), and its {@code klite:} URI gets the checked values.
 */
public final class HttpWorkerRoutes extends RouteBuilder {

    public static final String TEMPLATE = "klite-http-worker";

    /**
     * The route's {@code nonRetryableExceptions}, not a parameter a user gives: {@link PermanentHttpFailure} where the
     * worker dead-letters, else none (the consumer would warn that it takes no effect).
     */
    private static final String NON_RETRYABLE = "nonRetryableExceptions";

    /** The exchange property that holds the endpoint's {@code scheme://host[:port]}, where the route sends to. */
    private static final String ORIGIN = "CamelKliteWorkerOrigin";

    private static final Logger LOG = LoggerFactory.getLogger(HttpWorkerRoutes.class);

    /** The worker of each route, by {@link HttpWorker#routeId}: what its exchanges are delivered with. */
    private final Map<String, HttpWorker> routes = new ConcurrentHashMap<>();

    @Override
    public void configure() {
        String timeout = KliteSettings.check(getContext());
        WorkerFailureHandler failureHandler = new WorkerFailureHandler(timeout);
        bindToRegistry(WorkerFailureHandler.BEAN, failureHandler);

        // checks a templated route's parameters before Camel puts them into the route's URIs
        getContext().getCamelContextExtension().getContextPlugin(Model.class)
                .addRouteTemplateDefinitionConverter(TEMPLATE, this::checkedRoute);
        routeTemplate(TEMPLATE)
                .templateParameter("topic", null, "The topic to deliver")
                .templateParameter("group", null, "The consumer group whose committed offset the route moves")
                .templateParameter("partition", null, "The partition to deliver (one number)")
                .templateParameter("endpoint", null, "The http(s) URL each batch is POSTed to")
                .templateParameter("batchSize", String.valueOf(Limits.DEFAULT_BATCH_SIZE),
                        "Most messages per POST")
                .templateParameter("interval", Limits.DEFAULT_INTERVAL,
                        "Wait before a failed batch is posted again the first time, and between polls while idle"
                        + " (500ms, 5s, 1m)")
                .templateParameter("maxInterval", Limits.DEFAULT_MAX_INTERVAL,
                        "Longest wait between two posts of a failing batch: the wait doubles from interval up to it")
                .templateParameter("maxAttempts", "0",
                        "Posts of one batch before it goes to deadLetterTopic; 0: no limit, posted until accepted")
                .templateOptionalParameter("deadLetterTopic",
                        "Where a batch goes after maxAttempts failed posts (default the topic with .dlq); not the"
                        + " topic itself")
                .templateParameter("deadLetterOn4xx", String.valueOf(HttpWorker.DEFAULT_DEAD_LETTER_ON_4XX),
                        "true: a 4xx answer other than 408, 425 and 429 sends the batch to deadLetterTopic at once"
                        + " where maxAttempts is above 0; false: it is posted again like any failure")
                .templateParameter("maxBatchBytes", HttpWorker.DEFAULT_MAX_BATCH_BYTES,
                        "Most payload bytes per POST, in bytes or with KiB or MiB (512KiB, 4MiB); a POST holds at"
                        + " least one message")
                .templateParameter("partitionCount", "1",
                        "Partitions the topic gets where the route creates it (more than partition)")
                .configure(this::prepareRoute)
                // what makes it a worker is pinned, whatever camel.component.klite.* says for other endpoints; the
                // group's heartbeatInterval and sessionTimeout are the component's (camel.component.klite.*)
                .from("klite:{{topic}}?group={{group}}&partition={{partition}}&partitionCount={{partitionCount}}"
                      + "&batching=true&batchSize={{batchSize}}&initialDelay=0&delay={{interval}}"
                      + "&retryMaxDelay={{maxInterval}}&maxAttempts={{maxAttempts}}"
                      + "&deadLetterTopic={{deadLetterTopic}}&maxBatchBytes={{maxBatchBytes}}"
                      + "&nonRetryableExceptions={{" + NON_RETRYABLE + "}}"
                      + "&autoOffsetReset=earliest&allowManualCommit=false&groupCoordination=true"
                      + "&bridgeErrorHandler=false"
                      + "&exceptionHandler=#" + WorkerFailureHandler.BEAN)
                .errorHandler(noErrorHandler())
                .process(this::toPost)
                .doTry()
                    .toD("${exchangeProperty." + ORIGIN + "}")
                .doCatch(HttpOperationFailedException.class)
                    .process(HttpWorkerRoutes::answerFailure)
                .end()
                .process(failureHandler::delivered);

        for (HttpWorker worker : workers()) {
            routes.put(worker.routeId(), worker);
            templatedRoute(TEMPLATE).routeId(worker.routeId()).parameters(worker.templateParameters());
        }
    }

    /** The workers of the worker file, or none where there is no file. */
    private List<HttpWorker> workers() {
        Optional<Path> found = WorkerFileLocation.find(getContext().getPropertiesComponent());
        if (found.isEmpty()) {
            LOG.info("No worker file ({} or {}=<file>): no HTTP workers", WorkerFileLocation.DEFAULT_FILES,
                    WorkerFileLocation.PROPERTY);
            return List.of();
        }
        Path file = found.get();
        List<HttpWorker> workers = WorkerFile.read(file);
        // every worker is checked against the database before any route creates a topic
        withLog(getContext(), log -> {
            for (HttpWorker worker : workers) {
                fitsDatabase(log, worker, e -> file + ": topics." + worker.topic() + ".consumerGroups."
                        + worker.group() + ".partitions: " + e.getMessage());
            }
        });
        LOG.info("Worker file {}: {} route(s), one per topic, group and partition", file, workers.size());
        return workers;
    }

    /**
     * Before Camel makes a route of the template: takes its worker (from the worker file, checked already) or checks
     * the parameters once into one, and gives the route the checked values (the dead-letter topic by name,
     * {@code maxBatchBytes} in bytes), which its URIs take in place of what was written, and its
     * {@value #NON_RETRYABLE}.
     *
     * @param parameters the template's defaults and the route's parameters, each under its name and in kebab-case,
     *                   as Camel resolves the route's placeholders from them
     */
    private RouteDefinition checkedRoute(RouteTemplateDefinition template, Map<String, Object> parameters) {
        Map<String, Object> given = new HashMap<>(parameters);
        given.keySet().removeIf(name -> name.contains("-"));
        Function<String, String> where = where(given);
        HttpWorker worker = routes.get(HttpWorker.routeId(given.get("topic"), given.get("group"),
                given.get("partition")));
        if (worker == null || !worker.templateParameters().equals(given)) {
            worker = HttpWorker.fromTemplate(given, where);
            HttpWorker other = routes.putIfAbsent(worker.routeId(), worker);
            if (other != null && !other.equals(worker)) {
                throw new WorkerConfigException(where.apply("partition") + ": another worker route delivers topic '"
                        + worker.topic() + "' partition " + worker.partition() + " for group '" + worker.group()
                        + "' already (to " + HttpWorker.withoutQuery(other.endpoint()) + ")");
            }
        }
        worker.templateParameters().forEach((name, value) -> {
            parameters.put(name, value);
            parameters.put(StringHelper.camelCaseToDash(name), value);
        });
        parameters.put(NON_RETRYABLE, worker.maxAttempts() > 0 && worker.deadLetterOn4xx()
                ? PermanentHttpFailure.class.getName() : "");
        return template.asRouteDefinition();
    }

    /**
     * Before Camel creates a templated route, whose parameters {@link #checkedRoute} has checked: creates its topic
     * where it does not exist yet, with enough partitions for the route's partition.
     */
    private void prepareRoute(RouteTemplateContext route) {
        Map<String, Object> parameters = route.getParameters();
        HttpWorker worker = routes.get(HttpWorker.routeId(parameters.get("topic"), parameters.get("group"),
                parameters.get("partition")));
        withLog(route.getCamelContext(), log -> {
            fitsDatabase(log, worker, e -> where(parameters).apply("partition") + ": " + e.getMessage());
            log.createTopicIfAbsent(worker.topic(), Math.max(worker.partitionCount(), worker.partition() + 1));
        });
    }

    /** Where a templated route's parameter came from, for error messages: its name goes in. */
    private static Function<String, String> where(Map<String, Object> parameters) {
        return name -> "Route template " + TEMPLATE + " (topic '" + parameters.get("topic") + "', group '"
                + parameters.get("group") + "', partition '" + parameters.get("partition") + "'): parameter " + name;
    }

    /**
     * Fails the exchange of an answer other than 2xx with an {@link HttpAnswerFailure}, which names the answer but not
     * the URL; a {@link PermanentHttpFailure}, which the consumer does not retry, where the worker says so.
     */
    private static void answerFailure(Exchange exchange) throws HttpAnswerFailure {
        throw HttpAnswerFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpOperationFailedException.class),
                exchange.getProperty(HttpWorker.PROPERTY, HttpWorker.class));
    }

    private static void fitsDatabase(KliteLog log, HttpWorker worker, Function<RuntimeException, String> where) {
        try {
            HttpWorker.Settings.fitsDatabase(log, worker.topic(), worker.partition());
        } catch (RuntimeException e) {
            throw new WorkerConfigException(where.apply(e), e);
        }
    }

    /** Runs {@code work} on the klite: component's log of its database. */
    private static void withLog(CamelContext context, Consumer<KliteLog> work) {
        KliteComponent klite = context.getComponent("klite", KliteComponent.class);
        klite.withLog(klite.getConfiguration().getDatabase(), log -> {
            work.accept(log);
            return null;
        });
    }

    /**
     * Makes the consumed batch a POST of its JSON to the worker's endpoint: the URL exactly as configured (query
     * included) goes in {@link Exchange#HTTP_URI}; the route sends to the endpoint's origin, so that no part of the
     * URL is read as a Camel option.
     */
    private void toPost(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getIn();
        HttpWorker worker = routes.get(HttpWorker.routeId(message.getHeader(KliteConstants.TOPIC),
                message.getHeader(KliteConstants.GROUP), message.getHeader(KliteConstants.PARTITION)));
        exchange.setProperty(HttpWorker.PROPERTY, worker);
        exchange.setProperty(ORIGIN, HttpWorker.origin(worker.endpoint()));
        message.setBody(message.getMandatoryBody(byte[].class));
        message.setHeader(Exchange.HTTP_URI, worker.endpoint().toString());
        // the enum itself: as text, camel-http would convert it on every exchange, through reflection
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
