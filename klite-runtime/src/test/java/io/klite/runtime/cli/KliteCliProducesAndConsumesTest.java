package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.OffsetRows;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * produce and consume on the file of a running service that writes and consumes meanwhile: each line of standard input
 * is a message (to --partition, by --key, else round-robin); consume prints messages from where it is told, ends after
 * --max-messages or once none came for --timeout-ms, and commits nothing unless --group and --commit.
 */
class KliteCliProducesAndConsumesTest extends RunningServiceTest {

    @Test
    void producesEachLineAsAMessage() {
        klite.file().createTopic("orders", 2);

        Cli.Run roundRobin = Cli.runWithInput("a\nb\nc\n", "produce", "--topic", "orders", "--database",
                database.toString());
        Cli.Run keyed = Cli.runWithInput("k1\nk2\n", "produce", "--topic", "orders", "--key", "customer-7",
                "--database", database.toString(), "--output", "json");
        Cli.Run toPartition = Cli.runWithInput("p\n", "produce", "--topic", "orders", "--partition", "0",
                "--database", database.toString());

        assertThat(roundRobin.exit()).as(roundRobin.toString()).isZero();
        assertThat(roundRobin.out()).isEqualTo("""
                TOPIC   PARTITION  MESSAGES  FIRST-OFFSET  LAST-OFFSET
                orders  0          2         1             2
                orders  1          1         1             1
                """);
        int keyPartition = KliteLog.partitionFor("customer-7", 2);
        long keyFirst = keyPartition == 0 ? 3 : 2;
        assertThat(keyed.out()).isEqualTo("{\"topic\":\"orders\",\"count\":2,\"partitions\":[{\"partition\":"
                + keyPartition + ",\"count\":2,\"firstOffset\":" + keyFirst + ",\"lastOffset\":" + (keyFirst + 1)
                + "}]}\n");
        assertThat(toPartition.exit()).isZero();
        assertThat(klite.file().read("orders", 0, 0, 10)).extracting(m -> new String(m.payload(),
                StandardCharsets.UTF_8)).containsExactlyElementsOf(keyPartition == 0
                ? List.of("a", "c", "k1", "k2", "p") : List.of("a", "c", "p"));
        assertThat(klite.file().read("orders", keyPartition, 0, 10)).filteredOn(m -> m.key() != null)
                .extracting(Message::key).containsExactly("customer-7", "customer-7");
        awaitTrafficGoesOn();
    }

    @Test
    void aPartitionOutOfRangeIsRefusedBeforeAnyLineIsSent() {
        klite.file().createTopic("orders", 1);

        Cli.Run refused = Cli.runWithInput("a\n", "produce", "--topic", "orders", "--partition", "3", "--database",
                database.toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("Partition 3 is out of range for topic 'orders': it has 1 partition"
                + " (valid: 0)\n");
        assertThat(klite.file().endOffset("orders", 0)).isZero();
    }

    @Test
    void consumesFromTheBeginningAsJsonWithTheApisFieldsByteForByte() throws Exception {
        klite.file().createTopic("events", 1);
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + database);
                PreparedStatement insert = file.prepareStatement(
                        "INSERT INTO events_0 (data, key, headers, created) VALUES (?, ?, ?, ?)")) {
            Object[][] rows = {
                    {"{\"id\": 1}".getBytes(StandardCharsets.UTF_8), "k", "{\"source\":\"web\"}", "2026-12-01 10:00:00"},
                    {"plain text".getBytes(StandardCharsets.UTF_8), null, null, "2026-12-01 10:00:01"},
                    {new byte[] {(byte) 0xff, 0x00}, null, null, "2026-12-01 10:00:02"}};
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    insert.setObject(i + 1, row[i]);
                }
                insert.executeUpdate();
            }
        }

        Cli.Run json = Cli.on(database, "consume", "--topic", "events", "--from-beginning", "--output", "json",
                "--timeout-ms", "0");
        Cli.Run text = Cli.on(database, "consume", "--topic", "events", "--from-beginning", "--max-messages", "2",
                "--print-offset", "--print-key");

        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.out()).isEqualTo("{\"topic\":\"events\",\"messages\":["
                + "{\"partition\":0,\"offset\":1,\"key\":\"k\",\"headers\":{\"source\":\"web\"},"
                + "\"created\":\"2026-12-01 10:00:00\",\"data\":{\"id\": 1}},"
                + "{\"partition\":0,\"offset\":2,\"key\":null,\"headers\":{},\"created\":\"2026-12-01 10:00:01\","
                + "\"data\":\"plain text\"},"
                + "{\"partition\":0,\"offset\":3,\"key\":null,\"headers\":{},\"created\":\"2026-12-01 10:00:02\","
                + "\"data\":\"/wA=\",\"encoding\":\"base64\"}]}\n");
        assertThat(text.out()).isEqualTo("0:1\tk\t{\"id\": 1}\n0:2\t-\tplain text\n");
        assertThat(OffsetRows.of(database)).noneMatch(row -> row.contains("|events|"));
    }

    @Test
    void consumesWhatTheServiceWritesWhileItRunsAndEndsByItself() {
        long end = klite.file().endOffset(TRAFFIC, 0);

        // from the end, the default: only messages written from now on, until none came for the timeout
        Cli.Run fromNow = Cli.on(database, "consume", "--topic", TRAFFIC, "--max-messages", "5", "--print-offset");
        Cli.Run fromOffset = Cli.on(database, "consume", "--topic", TRAFFIC, "--partition", "0", "--offset", "2",
                "--max-messages", "3", "--print-offset");

        assertThat(fromNow.exit()).as(fromNow.toString()).isZero();
        assertThat(fromNow.out().lines().toList()).hasSize(5).allSatisfy(line ->
                assertThat(Long.parseLong(line.substring(2, line.indexOf('\t')))).isGreaterThan(end));
        assertThat(fromOffset.out()).isEqualTo("0:2\ttick\n0:3\ttick\n0:4\ttick\n");
    }

    @Test
    void endsOnceNoMessageCameForTheTimeout() {
        klite.file().createTopic("quiet", 1);
        klite.file().send("quiet", 0, "only");

        long started = System.nanoTime();
        Cli.Run run = Cli.on(database, "consume", "--topic", "quiet", "--from-beginning", "--timeout-ms", "300");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("only\n");
        assertThat(tookMillis).isBetween(300L, 5_000L);
    }

    @Test
    void commitsOnlyWithAGroupAndCommit() throws Exception {
        klite.file().createTopic("orders", 1);
        klite.file().sendBatch("orders", 0, List.of("a", "b", "c"));

        Cli.Run read = Cli.on(database, "consume", "--topic", "orders", "--group", "billing", "--from-beginning",
                "--timeout-ms", "0");
        assertThat(read.out()).isEqualTo("a\nb\nc\n");
        assertThat(OffsetRows.ofGroup(database, "billing")).isEmpty();

        Cli.Run committed = Cli.on(database, "consume", "--topic", "orders", "--group", "billing", "--from-beginning",
                "--commit", "--max-messages", "2");
        assertThat(committed.out()).isEqualTo("a\nb\n");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|2");
        Cli.Run rest = Cli.on(database, "consume", "--topic", "orders", "--group", "billing", "--timeout-ms", "0");
        assertThat(rest.out()).isEqualTo("c\n");

        // the service's group has a live member, whose commits a commit here would race
        Cli.Run refused = Cli.on(database, "consume", "--topic", TRAFFIC, "--group", "service", "--commit",
                "--timeout-ms", "0");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Cannot commit for group 'service' on topic 'traffic': 1 live member(s)"
                + " consume with it").hasLineCount(1);
        awaitTrafficGoesOn();
    }
}
