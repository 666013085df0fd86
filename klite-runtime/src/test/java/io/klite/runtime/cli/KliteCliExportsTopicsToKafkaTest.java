package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.OffsetRows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * export --to-kafka against a real broker: every partition of a Klite topic lands in the Kafka partition of the same
 * number, in order, with its keys (none where none), payloads, headers (in their order) and timestamps (the Klite
 * message's created time); --from-offset starts there; --group copies what comes after its committed offsets and
 * commits each partition as Kafka acknowledges, so that a second run copies only what came since; progress shows on
 * standard error, the summary (table or JSON) on standard output.
 */
class KliteCliExportsTopicsToKafkaTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    }

    @AfterEach
    void closeFile() {
        log.close();
    }

    @Test
    void everyPartitionArrivesInOrderWithKeysHeadersAndTimestamps() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, PARTITIONS, PER_PARTITION);
        broker.createTopic(topic, PARTITIONS);

        long began = System.nanoTime();
        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic", topic,
                "--output", "json");
        long nanos = System.nanoTime() - began;

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("messages").asLong()).isEqualTo(PARTITIONS * PER_PARTITION);
        assertThat(summary.get("partitioning").asText()).isEqualTo("same");
        assertThat(summary.get("group").isNull()).isTrue();
        JsonNode partitions = summary.get("topics").get(0).get("partitions");
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(partitions.get(p).toString()).isEqualTo("{\"partition\":" + p + ",\"fromOffset\":1,"
                    + "\"toOffset\":" + PER_PARTITION + ",\"messages\":" + PER_PARTITION + ",\"kafkaPartition\":" + p
                    + ",\"committedOffset\":null}");
        }
        assertThat(run.err()).as("progress on standard error").contains("export " + topic + " -> Kafka " + topic
                + ": 6,000/6,000 messages (100 %) in ");
        assertThat(run.out()).doesNotContain("messages (");

        Map<Integer, List<KafkaTopics.Read>> kafka = KafkaTopics.readAll(broker, topic, PARTITIONS,
                PARTITIONS * PER_PARTITION);
        for (int p = 0; p < PARTITIONS; p++) {
            List<Message> klite = log.read(topic, p, 0, PER_PARTITION + 1);
            assertThat(kafka.get(p)).extracting(KafkaTopics::describe)
                    .as("partition " + p + ": keys, payloads, headers, timestamps in order")
                    .containsExactlyElementsOf(klite.stream().map(KafkaTopics::describe).toList());
        }
        assertThat(kafka.get(1).get(0).key()).as("a message without a key").isNull();
        assertThat(kafka.get(1).get(0).headers()).as("a message without headers").isEmpty();
        assertThat(kafka.get(1).get(1).headers()).extracting(Map.Entry::getKey).containsExactly("seq", "source");
        assertThat(OffsetRows.of(database)).as("nothing committed without --group").isEmpty();
        System.out.printf("export of %,d messages (3 partitions): %.2f s in the CLI, %,d msg/s as it reports%n",
                PARTITIONS * PER_PARTITION, nanos / 1e9, summary.get("messagesPerSecond").asLong());
    }

    @Test
    void fromOffsetStartsThereOnEveryPartition() {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, PARTITIONS, 300);
        String kafkaTopic = KafkaTopics.unique("orders-late");
        broker.createTopic(kafkaTopic, 4);

        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic", topic,
                "--kafka-topic", kafkaTopic, "--from-offset", "201", "--batch-size", "40");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith(String.join("\n",
                "TOPIC" + " ".repeat(topic.length() - 3) + "PARTITION  FROM-OFFSET  TO-OFFSET  MESSAGES  KAFKA-TOPIC"
                + " ".repeat(kafkaTopic.length() - 9) + "KAFKA-PARTITION  GROUP-OFFSET",
                topic + "  0          201          300        100       " + kafkaTopic + "  0                -",
                topic + "  1          201          300        100       " + kafkaTopic + "  1                -",
                topic + "  2          201          300        100       " + kafkaTopic + "  2                -",
                "Exported 300 message(s) to Kafka at " + broker.bootstrapServers() + " in "));
        Map<Integer, List<KafkaTopics.Read>> kafka = KafkaTopics.readAll(broker, kafkaTopic, 4, 300);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(kafka.get(p)).extracting(KafkaTopics.Read::text).containsExactlyElementsOf(
                    log.read(topic, p, 200, 1000).stream().map(m -> new String(m.payload())).toList());
        }
        assertThat(kafka.get(3)).as("a Kafka partition with no Klite counterpart").isEmpty();
    }

    @Test
    void fromOffsetPastTheEndOfEveryPartitionIsRefusedAsConsumeRefusesIt() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, PARTITIONS, 300);
        KafkaTopics.append(log, topic, 1, 300, 50);
        broker.createTopic(topic, PARTITIONS);

        Cli.Run atTheEnd = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--from-offset", "351");

        assertThat(atTheEnd.exit()).as("the end of partition 1 + 1: nothing to copy yet\n" + atTheEnd).isZero();
        assertThat(atTheEnd.out()).contains("Exported 0 message(s)");

        Cli.Run past = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--from-offset", "3510");

        assertThat(past.exit()).as(past.toString()).isEqualTo(1);
        assertThat(past.err()).isEqualTo("Cannot export topic '" + topic + "' from offset 3510: it is past the end of"
                + " every partition; allowed: 1..351 (up to endOffset 350 of partition 1, the highest, + 1; below a"
                + " partition's start copies from its start); nothing was sent\n");
        assertThat(past.out()).isEmpty();
        assertThat(KafkaTopics.endOffsets(broker, topic, PARTITIONS).values()).containsOnly(0L);
    }

    @Test
    void aGroupCommitsWhatKafkaAcknowledgedAndASecondRunCopiesOnlyWhatCameSince() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, PARTITIONS, 1000);
        broker.createTopic(topic, PARTITIONS);
        log.commit("mirror", topic, 1, 400); // the group had copied partition 1 up to 400 before

        Cli.Run first = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror", "--output", "json");

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(JSON.readTree(first.out()).get("messages").asLong()).isEqualTo(2600);
        assertThat(OffsetRows.ofGroup(database, "mirror")).containsExactly(topic + "|0|1000", topic + "|1|1000",
                topic + "|2|1000");

        for (int p = 0; p < PARTITIONS; p++) {
            KafkaTopics.append(log, topic, p, 1000, 50 * (p + 1));
        }
        Cli.Run second = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror");

        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains(topic + "  0          1001         1050       50 ")
                .contains(topic + "  1          1001         1100       100 ")
                .contains(topic + "  2          1001         1150       150 ");
        assertThat(OffsetRows.ofGroup(database, "mirror")).containsExactly(topic + "|0|1050", topic + "|1|1100",
                topic + "|2|1150");
        Map<Integer, List<KafkaTopics.Read>> kafka = KafkaTopics.readAll(broker, topic, PARTITIONS, 2600 + 300);
        assertThat(kafka.get(0)).hasSize(1050);
        assertThat(kafka.get(1)).as("partition 1 from 401: what the group had not committed").hasSize(600 + 100)
                .first().extracting(KafkaTopics.Read::text).isEqualTo("p1-400");
        assertThat(kafka.get(2)).extracting(KafkaTopics.Read::text).endsWith("p2-1148", "p2-1149");

        Cli.Run third = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror");
        assertThat(third.out()).as("nothing new: nothing copied").contains("Exported 0 message(s)");
        assertThat(KafkaTopics.endOffsets(broker, topic, PARTITIONS)).containsExactly(Map.entry(0, 1050L),
                Map.entry(1, 700L), Map.entry(2, 1150L));
    }

    @Test
    void aSendKafkaRefusesStopsTheExportAndNothingIsCommittedPastWhatKafkaAcknowledged() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, PARTITIONS, 1500);
        // partition 1 offset 1501 is larger than the Kafka topic allows: Kafka refuses it
        log.send(topic, 1, "big", new byte[200_000]);
        KafkaTopics.append(log, topic, 1, 1500, 500);
        broker.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1)
                .configs(Map.of("max.message.bytes", "100000")))).all().get();

        long began = System.nanoTime();
        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror", "--batch-size", "100");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
        assertThat(run.err()).contains("Cannot export topic '" + topic + "' partition 1 offsets 1501..1600 to Kafka"
                + " topic '" + topic + "'").contains("RecordTooLargeException: The request included a message larger"
                + " than the max message size").contains("committed for group 'mirror'")
                .contains(topic + " partition 1: 1..1500 of 1..2001");
        assertThat(OffsetRows.ofGroup(database, "mirror")).contains(topic + "|1|1500");
        // on every partition, the committed offset is one Kafka holds, with every offset before it
        Map<Integer, Long> ends = KafkaTopics.endOffsets(broker, topic, PARTITIONS);
        Map<Integer, List<KafkaTopics.Read>> kafka = KafkaTopics.readAll(broker, topic, PARTITIONS,
                (int) ends.values().stream().mapToLong(Long::longValue).sum());
        // Kafka took the records around the refused one, sent before the failure was known: the error says how far
        String last = kafka.get(1).get(kafka.get(1).size() - 1).text();
        long lastOffset = 1502 + Long.parseLong(last.substring("p1-".length())) - 1500;
        assertThat(ends.get(1)).as("records after the refused one in Kafka").isGreaterThan(1500L);
        assertThat(log.read(topic, 1, lastOffset - 1, 1).get(0).payload()).asString().isEqualTo(last);
        assertThat(run.err()).contains(topic + " partition 1: 1..1500 of 1..2001 (Kafka also took records up to "
                + lastOffset + ", sent before the failure was known)").contains("what Kafka took past that,"
                + " acknowledged or not, is then there twice");
        for (String row : OffsetRows.ofGroup(database, "mirror")) {
            int p = Integer.parseInt(row.split("\\|")[1]);
            long committed = Long.parseLong(row.split("\\|")[2]);
            List<String> copied = kafka.get(p).stream().map(KafkaTopics.Read::text).limit(committed).toList();
            assertThat(copied).as("partition " + p + " up to its committed offset " + committed)
                    .containsExactlyElementsOf(log.read(topic, p, 0, (int) committed).stream()
                            .map(m -> new String(m.payload())).toList());
        }
    }

    @Test
    void aGroupWithLiveMembersIsRefusedAndNothingIsSent() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 1, 10);
        broker.createTopic(topic, 1);
        log.heartbeat("mirror", topic, "member-1", "a running mirror", List.of(), Duration.ofMinutes(1));

        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", "mirror");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("Cannot export with group 'mirror': 1 live member(s) consume with it:"
                + " member-1 (a running mirror) on topic '" + topic + "'");
        assertThat(OffsetRows.ofGroup(database, "mirror")).isEmpty();
        assertThat(KafkaTopics.endOffsets(broker, topic, 1)).containsExactly(Map.entry(0, 0L));
    }

    @Test
    void badUsageExitsWithTwo() {
        List<String[]> usages = new ArrayList<>();
        usages.add(new String[] {"export", "--brokers", "127.0.0.1:9092", "--topic", "t"});
        usages.add(new String[] {"export", "--to-kafka", "--brokers", "127.0.0.1", "--topic", "t"});
        usages.add(new String[] {"export", "--to-kafka", "--brokers", "127.0.0.1:9092", "--topic", "a", "--topic",
                "b", "--kafka-topic", "k"});
        usages.add(new String[] {"export", "--to-kafka", "--brokers", "127.0.0.1:9092", "--topic", "t",
                "--from-offset", "5", "--group", "g"});
        usages.add(new String[] {"export", "--to-kafka", "--brokers", "127.0.0.1:9092", "--topic", "t",
                "--partitioning", "random"});
        usages.add(new String[] {"export", "--to-kafka", "--brokers", "127.0.0.1:9092", "--topic", "t",
                "--batch-size", "0"});
        for (String[] usage : usages) {
            Cli.Run run = Cli.on(database, usage);
            assertThat(run.exit()).as(String.join(" ", usage) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).endsWith("(see java -jar klite-runtime.jar export --help)\n");
        }
    }
}
