package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.OffsetRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsContext;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --command-config <file>}: Kafka client settings (security and the like) for every Kafka client export and
 * import make: the checks' admin client, the producer, the consumer, the group lookup. Seen here through a metrics
 * reporter the file names (Kafka makes one for each client, configured with the client's settings), with a
 * {@code client.id} from the file on each; the settings the commands rely on (acks=all and idempotence, no
 * transactions, read_committed, no auto commit, the group of --group only) stay theirs whatever the file says. A file
 * that is missing, a value Kafka refuses, or settings that cannot make a client (a key store that is not there) fail
 * the command with exit code 1 naming the file and the setting, before anything is asked of Kafka; TLS towards a
 * plain-text listener fails the checks within seconds, the message pointing at the file.
 */
class KliteCliTakesKafkaClientSettingsTest {

    /** Each Kafka client made with the file's settings: its kind ({@code kafka.producer}...) and some settings. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    /** Past the checks' 5 s timeout, with room for a loaded machine; Kafka's own defaults would wait 60 s. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private static KafkaBroker broker;

    @TempDir
    Path dir;
    Path database;
    KliteLog log;

    @BeforeAll
    static void startBroker() {
        broker = KafkaTopics.broker();
    }

    @BeforeEach
    void openFile() {
        database = dir.resolve("klite.db");
        log = KliteLog.open(database);
        SEEN.clear();
    }

    @AfterEach
    void closeFile() {
        log.close();
    }

    /** A metrics reporter that notes the client it reports for. */
    public static final class SeenClients implements MetricsReporter {
        private Map<String, ?> settings;

        @Override
        public void configure(Map<String, ?> configs) {
            settings = configs;
        }

        @Override
        public void contextChange(MetricsContext context) {
            String kind = context.contextLabels().get(MetricsContext.NAMESPACE);
            StringBuilder seen = new StringBuilder(kind + " client.id=" + settings.get("client.id"));
            List<String> names = switch (kind) {
                case "kafka.producer" -> List.of("acks", "enable.idempotence", "transactional.id");
                case "kafka.consumer" -> List.of("isolation.level", "enable.auto.commit", "group.id");
                default -> List.of();
            };
            for (String name : names) {
                if (settings.containsKey(name)) {
                    seen.append(' ').append(name).append('=').append(settings.get(name));
                }
            }
            SEEN.add(seen.toString());
        }

        @Override
        public void init(List<KafkaMetric> metrics) {
        }

        @Override
        public void metricChange(KafkaMetric metric) {
        }

        @Override
        public void metricRemoval(KafkaMetric metric) {
        }

        @Override
        public void close() {
        }
    }

    private Path settings(String... lines) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void everyKafkaClientOfExportAndImportTakesTheFileWhileTheCommandsOwnSettingsStay() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 2, 100);
        broker.createTopic(topic, 2);
        Path file = settings("client.id=klite-migration", "metric.reporters=" + SeenClients.class.getName(),
                "acks=1", "enable.idempotence=false", "transactional.id=from-the-file",
                "isolation.level=read_uncommitted", "enable.auto.commit=true", "group.id=from-the-file");

        Cli.Run export = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror", "--command-config", file.toString());

        assertThat(export.exit()).as(export.toString()).isZero();
        assertThat(SEEN).containsExactly(
                "kafka.admin.client client.id=klite-migration", // made and closed: the settings can make a client
                "kafka.admin.client client.id=klite-migration", // the checks
                "kafka.producer client.id=klite-migration acks=all enable.idempotence=true");
        assertThat(OffsetRows.ofGroup(database, "mirror")).containsExactly(topic + "|0|100", topic + "|1|100");

        SEEN.clear();
        String group = KafkaTopics.unique("importer");
        Cli.Run imported = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--klite-topic", "back", "--group", group, "--command-config", file.toString());

        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.out()).contains("Imported 200 message(s)");
        assertThat(SEEN).containsExactly(
                "kafka.admin.client client.id=klite-migration",
                "kafka.admin.client client.id=klite-migration",
                "kafka.admin.client client.id=klite-migration", // the group's members
                "kafka.consumer client.id=klite-migration isolation.level=read_committed enable.auto.commit=false"
                + " group.id=" + group);

        SEEN.clear();
        Cli.Run withoutGroup = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(),
                "--topic", topic, "--klite-topic", "again", "--command-config", file.toString());

        assertThat(withoutGroup.exit()).as(withoutGroup.toString()).isZero();
        assertThat(SEEN).as("no group but --group's, not the file's").containsExactly(
                "kafka.admin.client client.id=klite-migration",
                "kafka.admin.client client.id=klite-migration",
                "kafka.consumer client.id=klite-migration isolation.level=read_committed enable.auto.commit=false");
    }

    @Test
    void aValueOrAFileThatCannotMakeAClientIsNamedBeforeAnythingIsAskedOfKafka() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 1, 10);
        broker.createTopic(topic, 1);
        Path file = settings("security.protocol=TLS");
        List<String> offsets = OffsetRows.of(database);

        Cli.Run export = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror", "--command-config", file.toString());

        assertThat(export.exit()).as(export.toString()).isEqualTo(1);
        assertThat(export.err()).startsWith("Invalid Kafka client setting in '" + file + "' (from --command-config):"
                + " Invalid value TLS for configuration security.protocol: String must be one of (case insensitive): ")
                .contains("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").endsWith("; nothing was asked of Kafka\n")
                .hasLineCount(1);
        assertThat(OffsetRows.of(database)).isEqualTo(offsets);
        assertThat(KafkaTopics.endOffsets(broker, topic, 1)).containsExactly(Map.entry(0, 0L));

        Path fresh = dir.resolve("new/klite.db");
        Cli.Run imported = Cli.on(fresh, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--command-config", file.toString());

        assertThat(imported.exit()).as(imported.toString()).isEqualTo(1);
        assertThat(imported.err()).startsWith("Invalid Kafka client setting in '" + file + "'");
        assertThat(Files.exists(fresh.getParent())).as("no file, no folder").isFalse();

        Path noKeyStore = settings("security.protocol=SSL", "ssl.keystore.location=" + dir.resolve("absent.jks"),
                "ssl.keystore.password=secret");
        Cli.Run cannotMake = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(),
                "--topic", topic, "--command-config", noKeyStore.toString());

        assertThat(cannotMake.exit()).as(cannotMake.toString()).isEqualTo(1);
        assertThat(cannotMake.err()).as("not as brokers that do not answer").startsWith("Cannot make a Kafka admin"
                + " client for brokers '" + broker.bootstrapServers() + "' with the settings of '" + noKeyStore
                + "' (from --command-config): ").contains("Failed to load SSL keystore " + dir.resolve("absent.jks"))
                .endsWith("; nothing was asked of Kafka\n");

        Path missing = dir.resolve("absent.properties");
        Cli.Run noFile = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--command-config", missing.toString());

        assertThat(noFile.exit()).as(noFile.toString()).isEqualTo(1);
        assertThat(noFile.err()).isEqualTo("Kafka client settings file '" + missing + "' (from --command-config) does"
                + " not exist; give a properties file of Kafka client settings, one name=value a line, such as"
                + " security.protocol=SASL_SSL\n");
    }

    @Test
    void tlsTowardsAPlainTextListenerFailsTheChecksWithinSeconds() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 1, 10);
        broker.createTopic(topic, 1);
        Path file = settings("security.protocol=SSL");

        long began = System.nanoTime();
        Cli.Run export = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror", "--command-config", file.toString());

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(BOUND);
        assertThat(export.exit()).as(export.toString()).isEqualTo(1);
        assertThat(export.err()).startsWith("Cannot reach the Kafka brokers '" + broker.bootstrapServers() + "' within"
                + " 5s: ").endsWith("; with the settings of '" + file + "' (from --command-config): check that they"
                + " suit the brokers' listener (security.protocol, ssl.*, sasl.*)\n");
        assertThat(OffsetRows.ofGroup(database, "mirror")).isEmpty();
        assertThat(KafkaTopics.endOffsets(broker, topic, 1)).containsExactly(Map.entry(0, 0L));
    }
}
