package io.klite.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.KliteLog;
import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A klite-to-kafka route whose parameters cannot run stops the service's start, naming the route, the parameter, the
 * value and what is allowed; no broker is asked (none runs here), since the parameters are checked when the route is
 * made.
 */
class KliteToKafkaTemplateRefusesBadParametersTest {

    private static final String ROUTE = "Route template klite-to-kafka (topic 'orders', group 'mirror'): parameter ";

    @TempDir
    Path dir;

    @BeforeEach
    void topic() {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            brokers      | localhost          | brokers: 'localhost' is not a list of Kafka brokers: 'localhost' is not host:port; use host:port, comma-separated, such as 127.0.0.1:9092 or kafka1:9092,kafka2:9092
            brokers      | a:9092,b:99999     | brokers: 'a:9092,b:99999' is not a list of Kafka brokers: port 99999 of 'b:99999' is not 1 to 65535
            brokers      | a:9092&acks=1      | brokers: 'a:9092&acks=1' is not a list of Kafka brokers: 'a:9092&acks=1' is not host:port
            kafkaTopic   | orders/eu          | kafkaTopic: 'orders/eu' is not a Kafka topic name: 1 to 249 characters of [A-Za-z0-9._-], not '.' or '..'
            partitioning | hash               | partitioning: 'hash' is not a partitioning; allowed: same (each message to the Kafka partition of its Klite partition's number, the default) or key (Kafka's partitioner places it by key)
            batchSize    | 0                  | batchSize: '0' is not a batch size; allowed: 1 to 10000 messages
            batchSize    | 20000              | batchSize: '20000' is not a batch size; allowed: 1 to 10000 messages
            interval     | 5x                 | interval: '5x' is not a duration
            maxInterval  | 10ms               | maxInterval: '10ms' is below interval 1s; the wait doubles from interval up to maxInterval
            group        | mirror group       | group: 'mirror group' is not a group name for a mirror; use 1 to 249 characters of [A-Za-z0-9._-]
            """)
    void aBadParameterStopsTheStart(String name, String value, String message) throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route(null, "topic", "orders",
                "group", name.equals("group") ? value : "mirror", "brokers", name.equals("brokers") ? value
                        : "127.0.0.1:9", name, value).write();

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining(name.equals("group")
                        ? "Route template klite-to-kafka (topic 'orders', group '" + value + "'): parameter " + message
                        : ROUTE + message);
    }

    /**
     * camel-kafka lets these component-wide settings win over the template's URI or each record's own key and
     * partition: the mirror would send other keys, partitions or guarantees without an error.
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            key                                            | oops       | same | camel.component.kafka.key is 'oops': camel-kafka would give every mirrored message that has a key this one instead; the mirror keeps each message's own key; set it on the kafka: endpoints that need it rather than for the whole component
            partitionKey                                   | 0          | key  | camel.component.kafka.partitionKey is 0: camel-kafka would send every mirrored message to that Kafka partition; the mirror places each message itself (partitioning=key); set it on the kafka: endpoints that need it rather than for the whole component
            additionalProperties[enable.idempotence]       | false      | same | the Kafka producer's enable.idempotence is 'false' (from camel.component.kafka.additionalProperties); the mirror needs true: the producer's own retries neither repeat nor reorder records; set it on the kafka: endpoints that need it rather than for the whole component
            additionalProperties[acks]                     | 1          | same | the Kafka producer's acks is '1' (from camel.component.kafka.additionalProperties); the mirror needs all: the Klite group commits only what every in-sync replica has; set it on the kafka: endpoints that need it rather than for the whole component
            additionalProperties[key.serializer]           | org.apache.kafka.common.serialization.ByteArraySerializer | same | the Kafka producer's key.serializer is 'org.apache.kafka.common.serialization.ByteArraySerializer' (from camel.component.kafka.additionalProperties); the mirror needs org.apache.kafka.common.serialization.StringSerializer: keys as UTF-8 text
            partitioner                                    | org.apache.kafka.clients.producer.RoundRobinPartitioner | key | the Kafka producer's partitioner.class is 'org.apache.kafka.clients.producer.RoundRobinPartitioner' (camel.component.kafka.partitioner or additionalProperties); with partitioning=key the mirror leaves each message to Kafka's default partitioner, which places a key where Klite does (murmur2); set it on the kafka: endpoints that need it rather than for the whole component, or use partitioning=same
            partitionerIgnoreKeys                          | true       | key  | the Kafka producer's partitioner.ignore.keys is 'true' (camel.component.kafka.partitionerIgnoreKeys); with partitioning=key the mirror relies on Kafka's default partitioner placing each keyed message by its key
            """)
    void aComponentSettingThatWouldChangeWhatTheMirrorSendsStopsTheStart(String setting, String value,
                                                                          String partitioning, String message)
            throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route(null, "topic", "orders", "group", "mirror",
                "brokers", "127.0.0.1:9", "partitioning", partitioning).write("camel.component.kafka." + setting, value);

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining("Route template klite-to-kafka (topic 'orders', group 'mirror'): " + message);
    }

    /** The same settings where they change nothing the mirror relies on, and the component's other settings. */
    @Test
    void componentSettingsThatLeaveTheMirrorAsItIsApply() throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route("mirror", "topic", "orders", "group", "mirror",
                "brokers", "127.0.0.1:9").write("camel.component.kafka.partitioner",
                "org.apache.kafka.clients.producer.RoundRobinPartitioner",
                "camel.component.kafka.partitionerIgnoreKeys", "true",
                "camel.component.kafka.additionalProperties[acks]", "-1",
                "camel.component.kafka.requestRequiredAcks", "1", "camel.component.kafka.lingerMs", "5",
                "camel.component.kafka.compressionCodec", "lz4");

        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            assertThat(klite.context().getRoute("mirror")).isNotNull();
        }
    }

    @Test
    void anUnknownParameterIsRefusedRatherThanIgnored() throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route(null, "topic", "orders", "group", "mirror",
                "brokers", "127.0.0.1:9", "partitionKey", "0").write();

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining(ROUTE + "partitionKey is unknown; the parameters are topic, group, brokers,"
                                         + " kafkaTopic, partitioning, batchSize, interval, maxInterval");
    }

    @Test
    void aKliteTopicThatDoesNotExistIsRefusedRatherThanCreated() throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route(null, "topic", "ordrs", "group", "mirror",
                "brokers", "127.0.0.1:9").write();

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining("Route template klite-to-kafka (topic 'ordrs', group 'mirror'): parameter"
                                         + " topic: 'ordrs' is not a topic of database " + dir.resolve("klite.db")
                                         + "; a mirror copies an existing topic: check the name, or create the topic"
                                         + " with its partitions first (java -jar klite-runtime.jar topics create"
                                         + " --topic ordrs --partitions N)");
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            assertThat(log.partitionCount("ordrs")).isZero();
        }
    }

    @Test
    void twoMirrorsOfOneTopicForOneGroupAreRefused() throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir)
                .route(null, "topic", "orders", "group", "mirror", "brokers", "127.0.0.1:9")
                .route(null, "topic", "orders", "group", "mirror", "brokers", "127.0.0.1:9", "kafkaTopic", "other")
                .write();

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining(ROUTE + "group: another klite-to-kafka route mirrors topic 'orders' for"
                                         + " group 'mirror' already (to Kafka topic 'orders' on '127.0.0.1:9'); give"
                                         + " each mirror its own group");
    }

    @Test
    void aMissingParameterIsNamed() throws Exception {
        Map<String, String> settings = new MirrorRoutes(dir).route(null, "topic", "orders", "group", "mirror")
                .write();

        assertThatThrownBy(() -> RunningKlite.start(dir, settings).close())
                .hasStackTraceContaining("Route template klite-to-kafka the following mandatory parameters must be"
                                         + " provided: brokers");
    }
}
