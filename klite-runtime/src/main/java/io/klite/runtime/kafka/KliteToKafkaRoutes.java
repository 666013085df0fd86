package io.klite.runtime.kafka;

import io.klite.camel.KliteBatch;
import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.Limits;
import io.klite.log.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.serde.DefaultKafkaHeaderSerializer;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.StringHelper;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The route template {@value #TEMPLATE}: mirrors a Klite topic into a Kafka topic, in order per partition, keys,
 * headers and time kept ({@link KafkaRecords}), committing the Klite group only after Kafka acknowledged.
 *
 * <p>A route consumes every partition of the topic for its group with {@code batching=true}; each batch becomes one
 * camel-kafka send of its messages, with {@code acks=all} and an idempotent producer, and is committed when the
 * exchange completes, that is after Kafka acknowledged every record of it. Before the first send, and again after any
 * failure, {@link KafkaTopicCheck} asks the brokers within {@link #CHECK_TIMEOUT}: reachable, the Kafka topic there,
 * enough partitions for {@code partitioning=same}. Any failure (brokers down, the topic missing, too few partitions,
 * a record refused) fails the exchange: the consumer holds that partition back and sends the same batch again after
 * {@code interval}, doubling up to {@code maxInterval}; it never dead-letters ({@code maxAttempts=0}), since a mirror
 * must not skip. Nothing is committed that Kafka did not acknowledge; a batch that failed after some of its records
 * were stored is sent again whole (at-least-once: Kafka then holds that run again, once per failed attempt). A record
 * the producer refuses as it is handed over ends the batch's send ({@link UntilRefused}), so that no later record of
 * the partition reaches Kafka ahead of it; one the brokers refuse is known only after the later ones went out. The
 * route's health is its consumer's check, {@code consumer:<routeId>}, DOWN with the last error once the batch has
 * failed {@code camel.component.klite.unhealthyAfterAttempts} times or for {@code unhealthyAfter}.
 *
 * <p>Invariant: a route is created only from a {@link KafkaMirror}, checked once where the route is made, and only for
 * a Klite topic that exists (the consumer would otherwise create it with one partition). The Kafka producer is
 * {@code camel.component.kafka.*}'s, with what makes the mirror exact pinned in its URI; a route whose producer those
 * settings would change anyway (camel-kafka lets some of them win over the URI and over each record's key and
 * partition) is refused where it is made ({@link MirrorProducerSettings}); its other settings (security, timeouts,
 * compression) apply, and the check's admin client takes the ones an admin client knows.
 */
public final class KliteToKafkaRoutes extends RouteBuilder {

    public static final String TEMPLATE = "klite-to-kafka";

    /** How long the check before sending waits for the brokers. */
    static final Duration CHECK_TIMEOUT = KafkaTopicCheck.DEFAULT_TIMEOUT;

    /** The registry names of what the Kafka URI refers to. */
    private static final String HEADER_FILTER = "kliteToKafkaHeaderFilter";
    private static final String HEADER_SERIALIZER = "kliteToKafkaHeaderSerializer";

    /** The mirror of each route, by {@link #key}: what its exchanges are sent with. */
    private final Map<String, Mirror> mirrors = new ConcurrentHashMap<>();

    @Override
    public void configure() {
        bindToRegistry(HEADER_FILTER, new EveryHeader());
        bindToRegistry(HEADER_SERIALIZER, new DefaultKafkaHeaderSerializer());
        getContext().getCamelContextExtension().getContextPlugin(Model.class)
                .addRouteTemplateDefinitionConverter(TEMPLATE, this::checkedRoute);
        routeTemplate(TEMPLATE)
                .templateParameter("topic", null, "The Klite topic to mirror; it must exist")
                .templateParameter("group", null,
                        "The Klite consumer group the mirror commits, after Kafka acknowledged")
                .templateParameter("brokers", null, "The Kafka bootstrap servers, host:port[,host:port]")
                .templateOptionalParameter("kafkaTopic", "The Kafka topic to write to (default: topic); it must exist")
                .templateParameter("partitioning", Partitioning.SAME.text(),
                        "same: each message to the Kafka partition of its Klite partition's number (the Kafka topic"
                        + " needs at least as many partitions); key: Kafka's partitioner places it by its key")
                .templateParameter("batchSize", String.valueOf(KafkaMirror.DEFAULT_BATCH_SIZE),
                        "Most messages per Kafka send (and per Klite commit)")
                .templateParameter("interval", Limits.DEFAULT_INTERVAL,
                        "Wait before a failed batch is sent again the first time, and between polls while idle"
                        + " (500ms, 5s, 1m)")
                .templateParameter("maxInterval", Limits.DEFAULT_MAX_INTERVAL,
                        "Longest wait between two sends of a failing batch: the wait doubles from interval up to it")
                .configure(this::prepareRoute)
                // what makes it a mirror is pinned, whatever camel.component.klite.* or camel.component.kafka.* say
                .from("klite:{{topic}}?group={{group}}&batching=true&batchSize={{batchSize}}&initialDelay=0"
                      + "&delay={{interval}}&retryMaxDelay={{maxInterval}}&maxAttempts=0"
                      + "&autoOffsetReset=earliest&allowManualCommit=false&groupCoordination=true"
                      + "&bridgeErrorHandler=false")
                .errorHandler(noErrorHandler())
                .process(this::toKafkaBatch)
                .to(kafkaUri("{{kafkaTopic}}", "{{brokers}}"));
    }

    /**
     * The URI of the Kafka producer: every record acknowledged by all in-sync replicas, an idempotent producer (no
     * duplicate and no reordering from the producer's own retries), keys as UTF-8 text and values as bytes, each
     * message of a batch with its own headers, all of them.
     */
    static String kafkaUri(String kafkaTopic, String brokers) {
        return "kafka:" + kafkaTopic + "?brokers=" + brokers + "&requestRequiredAcks=all&enableIdempotence=true"
               + "&keySerializer=org.apache.kafka.common.serialization.StringSerializer"
               + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer"
               + "&useIterator=true&batchWithIndividualHeaders=true&recordMetadata=false"
               + "&headerFilterStrategy=#" + HEADER_FILTER + "&headerSerializer=#" + HEADER_SERIALIZER;
    }

    /**
     * Before Camel makes a route of the template: checks its parameters once into a {@link KafkaMirror} and gives the
     * route the checked values, which its URIs take in place of what was written.
     *
     * @param parameters the template's defaults and the route's parameters, each under its name and in kebab-case
     */
    private RouteDefinition checkedRoute(RouteTemplateDefinition template, Map<String, Object> parameters) {
        Map<String, Object> given = new HashMap<>(parameters);
        given.keySet().removeIf(name -> name.contains("-"));
        Function<String, String> where = where(given);
        KafkaMirror settings = KafkaMirror.fromTemplate(given, where);
        checkProducer(settings, route(given));
        Mirror mirror = new Mirror(settings);
        Mirror other = mirrors.putIfAbsent(key(settings.topic(), settings.group()), mirror);
        if (other != null && !other.settings.equals(settings)) {
            throw new MirrorConfigException(where.apply("group") + ": another " + TEMPLATE + " route mirrors topic '"
                    + settings.topic() + "' for group '" + settings.group() + "' already (to Kafka topic '"
                    + other.settings.kafkaTopic() + "' on '" + other.settings.brokers() + "'); give each mirror its"
                    + " own group");
        }
        settings.templateParameters().forEach((name, value) -> {
            parameters.put(name, value);
            parameters.put(StringHelper.camelCaseToDash(name), value);
        });
        return template.asRouteDefinition();
    }

    /** Before Camel creates the route: the Klite topic must exist, with the partitions the mirror copies. */
    private void prepareRoute(RouteTemplateContext route) {
        Map<String, Object> parameters = route.getParameters();
        String topic = String.valueOf(parameters.get("topic"));
        KliteComponent klite = route.getCamelContext().getComponent("klite", KliteComponent.class);
        String database = klite.getConfiguration().getDatabase();
        int partitions = klite.withLog(database, log -> log.partitionCount(topic));
        if (partitions == 0) {
            throw new MirrorConfigException(where(parameters).apply("topic") + ": '" + topic + "' is not a topic of"
                    + " database " + database + "; a mirror copies an existing topic: check the name, or create the"
                    + " topic with its partitions first (java -jar klite-runtime.jar topics create --topic " + topic
                    + " --partitions N)");
        }
    }

    /**
     * Refuses a Kafka producer that {@code camel.component.kafka.*} would turn into something other than the mirror's
     * ({@link MirrorProducerSettings}): its endpoint, made here as the route will use it, shows what it sends with.
     */
    private void checkProducer(KafkaMirror settings, String route) {
        KafkaEndpoint endpoint = getContext().getEndpoint(kafkaUri(settings.kafkaTopic(), settings.brokers()),
                KafkaEndpoint.class);
        try {
            MirrorProducerSettings.check(endpoint.getConfiguration(), settings.partitioning());
        } catch (IllegalArgumentException e) {
            throw new MirrorConfigException(route + ": " + e.getMessage(), e);
        }
    }

    /** Where a templated route's parameter came from, for error messages: its name goes in. */
    private static Function<String, String> where(Map<String, Object> parameters) {
        return name -> route(parameters) + ": parameter " + name;
    }

    /** A templated route, for error messages: {@code Route template klite-to-kafka (topic 'x', group 'y')}. */
    private static String route(Map<String, Object> parameters) {
        return "Route template " + TEMPLATE + " (topic '" + parameters.get("topic") + "', group '"
                + parameters.get("group") + "')";
    }

    private static String key(Object topic, Object group) {
        return topic + ":" + group;
    }

    /**
     * Makes the consumed batch one Kafka send: checks the Kafka topic where no check has passed since the last
     * failure, then sets the body to the batch's messages, each a {@link KafkaBoundMessage}.
     */
    private void toKafkaBatch(Exchange exchange) {
        org.apache.camel.Message in = exchange.getIn();
        Mirror mirror = mirrors.get(key(in.getHeader(KliteConstants.TOPIC), in.getHeader(KliteConstants.GROUP)));
        KliteBatch batch = in.getBody(KliteBatch.class);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                mirror.checked = false;
            }
        });
        mirror.check(exchange.getContext(), batch.partition());
        Partitioning partitioning = mirror.settings.partitioning();
        in.setBody(new UntilRefused(exchange, batch.partition(), batch.messages(), partitioning));
    }

    /**
     * A batch's messages as camel-kafka's producer takes them, one at a time, stopping at the first record the
     * producer refused as it was handed over (larger than {@code maxRequestSize}, and the like): the exchange fails
     * then, and no later message of the partition goes to Kafka ahead of the refused one. A refusal that the brokers
     * answer later comes after the later messages were handed over.
     */
    private record UntilRefused(Exchange exchange, int partition, List<Message> messages, Partitioning partitioning)
            implements Iterable<KafkaBoundMessage> {

        @Override
        public Iterator<KafkaBoundMessage> iterator() {
            Iterator<Message> each = messages.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return exchange.getException() == null && each.hasNext();
                }

                @Override
                public KafkaBoundMessage next() {
                    return new KafkaBoundMessage(exchange, partition, each.next(), partitioning);
                }
            };
        }

        @Override
        public String toString() {
            return messages.size() + " message(s) of partition " + partition;
        }
    }

    /**
     * A route's checked settings and whether the Kafka topic passed its check since the last failure, with how many
     * partitions it had then. A check that failed stands for {@link #FAILED_CHECK_STANDS}: the other partitions of the
     * same poll fail with it at once, rather than each waiting out its own check of brokers that do not answer.
     */
    private static final class Mirror {

        private static final long FAILED_CHECK_STANDS = TimeUnit.SECONDS.toNanos(1);

        private final KafkaMirror settings;
        private volatile boolean checked;
        /** The Kafka topic's partition count at the check that passed. */
        private volatile int kafkaPartitions;
        private volatile KafkaCheckException failed;
        private volatile long failedAt;

        private Mirror(KafkaMirror settings) {
            this.settings = settings;
        }

        /**
         * Checks the Kafka topic, with the Kafka component's client settings (security and the like) and the route's
         * brokers, unless a check passed since the last failure and, with {@link Partitioning#SAME}, saw a Kafka
         * partition for Klite partition {@code partition}: a partition added to the Klite topic since is checked at
         * once, not left to the producer, which would wait {@code maxBlockMs} (60 s) for a Kafka partition that does
         * not exist and then fail without saying what to do.
         *
         * @throws KafkaCheckException what is wrong and what to do
         */
        void check(CamelContext context, int partition) {
            if (checked && (settings.partitioning() == Partitioning.KEY || partition < kafkaPartitions)) {
                return;
            }
            KafkaCheckException last = failed;
            if (last != null && System.nanoTime() - failedAt < FAILED_CHECK_STANDS) {
                throw last;
            }
            try {
                kafkaPartitions = checkNow(context);
                failed = null;
                checked = true;
            } catch (KafkaCheckException e) {
                failedAt = System.nanoTime();
                failed = e;
                throw e;
            }
        }

        /** Checks the Kafka topic now; its partition count. */
        private int checkNow(CamelContext context) {
            KliteComponent klite = context.getComponent("klite", KliteComponent.class);
            int klitePartitions = klite.withLog(klite.getConfiguration().getDatabase(),
                    log -> log.partitionCount(settings.topic()));
            Map<Object, Object> client = new HashMap<>(
                    context.getComponent("kafka", KafkaComponent.class).getConfiguration().createProducerProperties());
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.brokers());
            try (KafkaTopicCheck check = KafkaTopicCheck.open(client, CHECK_TIMEOUT)) {
                return check.checkTarget(settings.kafkaTopic(), settings.topic(), klitePartitions,
                        settings.partitioning());
            }
        }
    }

    /** Lets every header through, both ways: the batch's messages hold the Klite headers alone. */
    private static final class EveryHeader implements HeaderFilterStrategy {

        @Override
        public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
            return false;
        }

        @Override
        public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
            return false;
        }
    }
}
