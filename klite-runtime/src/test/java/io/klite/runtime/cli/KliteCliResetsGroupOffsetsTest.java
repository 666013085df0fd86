package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.runtime.OffsetRows;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * groups reset-offsets on the file of a running service that writes and consumes meanwhile: a dry run (the default)
 * shows where each partition would go and writes nothing; --execute moves the group exactly there (--to-earliest,
 * --to-latest, --to-offset, --shift-by, --to-datetime: the first message written at or after the time); a group with
 * live members is refused unless --force, and forced, the service's consumer delivers again from the reset; an offset
 * out of range is refused naming the range, writing nothing.
 */
class KliteCliResetsGroupOffsetsTest extends RunningServiceTest {

    /** orders: partition 0 holds offsets 1..6, partition 1 holds 1..3; billing committed 5 on 0, audit 2 on 1. */
    private void ordersWithGroups() {
        KliteLog file = klite.file();
        file.createTopic("orders", 2);
        file.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e", "f"));
        file.sendBatch("orders", 1, List.of("a", "b", "c"));
        file.commit("billing", "orders", 0, 5);
        file.commit("audit", "orders", 1, 2);
    }

    /** The consumer_offsets rows with their times, but those of the service's own group, which moves all along. */
    private List<String> rowsButTheService() throws SQLException {
        return OffsetRows.of(database).stream().filter(row -> !row.startsWith("service|")).toList();
    }

    @Test
    void aDryRunShowsWhereEachPartitionWouldGoAndWritesNothing() throws Exception {
        ordersWithGroups();
        List<String> rows = rowsButTheService();

        Cli.Run dryRun = Cli.on(database, "groups", "reset-offsets", "--group", "billing", "--topic", "orders",
                "--to-earliest");
        Cli.Run explicit = Cli.on(database, "groups", "reset-offsets", "--group", "shipping", "--topic", "orders",
                "--partition", "1", "--to-latest", "--dry-run", "--output", "json");

        assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out()).isEqualTo("""
                GROUP    TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET  NEXT-OFFSET
                billing  orders  0          5               0           1
                billing  orders  1          0               0           1
                Dry run: nothing was written; add --execute to reset group 'billing'.
                """);
        assertThat(explicit.out()).isEqualTo("{\"group\":\"shipping\",\"topic\":\"orders\",\"executed\":false,"
                + "\"partitions\":[{\"partition\":1,\"committedOffset\":0,\"newCommittedOffset\":3,\"nextOffset\":4}]}\n");
        assertThat(rowsButTheService()).as("the file's consumer_offsets rows").isEqualTo(rows);
        awaitTrafficGoesOn();
    }

    @Test
    void anExecutedResetMovesTheGroupExactlyWhereItSays() throws Exception {
        ordersWithGroups();

        assertThat(execute("--topic", "orders", "--to-earliest").out()).isEqualTo("""
                GROUP    TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET  NEXT-OFFSET
                billing  orders  0          5               0           1
                billing  orders  1          0               0           1
                """);
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|0", "orders|1|0");

        execute("--topic", "orders", "--partition", "0", "--to-latest");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|6", "orders|1|0");

        execute("--topic", "orders", "--partition", "0", "--to-offset", "4");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|3", "orders|1|0");
        assertThat(klite.file().fetch("billing", "orders", 0, 10)).hasSize(3);

        // from the next offset to deliver, kept within the partition's start and end + 1
        execute("--topic", "orders", "--partition", "0,1", "--shift-by", "-2");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|1", "orders|1|0");
        execute("--topic", "orders", "--shift-by", "2");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|3", "orders|1|2");
        execute("--topic", "orders", "--shift-by", "-1000");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|0", "orders|1|0");
        execute("--topic", "orders", "--shift-by", "1000");
        assertThat(OffsetRows.ofGroup(database, "billing")).containsExactly("orders|0|6", "orders|1|3");
        execute("--topic", "orders", "--partition", "0", "--to-offset", "4");

        klite.file().createTopic("payments", 1);
        klite.file().sendBatch("payments", 0, List.of("p1", "p2"));
        klite.file().commit("billing", "payments", 0, 2);
        Cli.Run allTopics = execute("--all-topics", "--to-earliest", "--output", "json");
        assertThat(allTopics.out()).isEqualTo("[{\"group\":\"billing\",\"topic\":\"orders\",\"executed\":true,"
                + "\"partitions\":[{\"partition\":0,\"committedOffset\":3,\"newCommittedOffset\":0,\"nextOffset\":1},"
                + "{\"partition\":1,\"committedOffset\":3,\"newCommittedOffset\":0,\"nextOffset\":1}]},"
                + "{\"group\":\"billing\",\"topic\":\"payments\",\"executed\":true,\"partitions\":["
                + "{\"partition\":0,\"committedOffset\":2,\"newCommittedOffset\":0,\"nextOffset\":1}]}]\n");
        assertThat(OffsetRows.ofGroup(database, "billing"))
                .containsExactly("orders|0|0", "orders|1|0", "payments|0|0");
        assertThat(OffsetRows.ofGroup(database, "audit")).as("another group").containsExactly("orders|1|2");
        awaitTrafficGoesOn();
    }

    @Test
    void aResetToADatetimeStartsAtTheFirstMessageWrittenAtOrAfterIt() throws Exception {
        klite.file().createTopic("events", 1);
        // offsets 1..4 written at known times, as another program may write them
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + database);
                PreparedStatement insert = file.prepareStatement("INSERT INTO events_0 (data, created) VALUES (?, ?)")) {
            for (String created : List.of("2026-12-01 10:00:00", "2026-12-01 10:00:01", "2026-12-01 10:00:01",
                    "2026-12-01 10:00:03")) {
                insert.setBytes(1, created.getBytes(StandardCharsets.UTF_8));
                insert.setString(2, created);
                insert.executeUpdate();
            }
        }
        Map<String, Long> nextOffsets = Map.of(
                "2026-12-01T09:00:00Z", 1L,
                "2026-12-01T10:00:00.500Z", 2L,
                "2026-12-01T10:00:01Z", 2L,
                "2026-12-01T11:00:02+01:00", 4L,
                "2026-12-01T10:00:04Z", 5L);

        for (Map.Entry<String, Long> time : nextOffsets.entrySet()) {
            Cli.Run reset = execute("--topic", "events", "--to-datetime", time.getKey(), "--output", "json");

            assertThat(reset.out()).as(time.getKey()).endsWith("\"newCommittedOffset\":" + (time.getValue() - 1)
                    + ",\"nextOffset\":" + time.getValue() + "}]}\n");
            assertThat(klite.file().committed("billing", "events", 0)).as(time.getKey())
                    .hasValue(time.getValue() - 1);
        }
        awaitTrafficGoesOn();
    }

    @Test
    void aGroupWithLiveMembersIsRefusedUnlessForcedAndThenDeliversAgainFromTheReset() throws Exception {
        Cli.Run refused = Cli.on(database, "groups", "reset-offsets", "--group", "service", "--topic", TRAFFIC,
                "--to-earliest", "--execute");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Cannot reset the offsets of group 'service' on topic 'traffic': 1 live"
                + " member(s)").contains("force").hasLineCount(1);
        assertThat(refused.out()).isEmpty();
        assertThat(Collections.frequency(delivered, 1L)).as("offset 1 delivered once").isEqualTo(1);

        Cli.Run forced = Cli.on(database, "groups", "reset-offsets", "--group", "service", "--topic", TRAFFIC,
                "--to-earliest", "--execute", "--force");

        assertThat(forced.exit()).as(forced.toString()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Collections.frequency(delivered, 1L)).as("offset 1 delivered again").isEqualTo(2));
    }

    @Test
    void anOffsetOutOfRangeIsRefusedNamingTheRangeAndWritesNothing() throws Exception {
        ordersWithGroups();
        List<String> rows = rowsButTheService();

        Cli.Run tooFar = execute("--topic", "orders", "--partition", "0", "--to-offset", "8");
        Cli.Run unknownTopic = execute("--topic", "nothing", "--to-earliest");
        Cli.Run noPartition = execute("--topic", "orders", "--partition", "2", "--to-earliest");
        Cli.Run badTime = execute("--topic", "orders", "--to-datetime", "yesterday");

        assertThat(tooFar.exit()).isEqualTo(1);
        assertThat(tooFar.err()).isEqualTo("Cannot reset group 'billing' on topic 'orders' partition 0 to offset 8:"
                + " the next offset to deliver must be within 1..7 (startOffset 1 to endOffset 6 + 1)\n");
        assertThat(unknownTopic.exit()).isEqualTo(1);
        assertThat(unknownTopic.err()).isEqualTo("Topic 'nothing' does not exist\n");
        assertThat(noPartition.exit()).isEqualTo(1);
        assertThat(noPartition.err()).isEqualTo("Partition 2 is out of range for topic 'orders': it has 2 partitions"
                + " (valid: 0..1)\n");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).isEqualTo("Invalid value for option '--to-datetime': 'yesterday' is not an ISO-8601"
                + " time; give one with Z or an offset, such as 2026-12-01T10:00:00Z or 2026-12-01T11:00:00+01:00"
                + " (see java -jar klite-runtime.jar groups reset-offsets --help)\n");
        assertThat(rowsButTheService()).isEqualTo(rows);
    }

    private Cli.Run execute(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("groups", "reset-offsets", "--group", "billing",
                "--execute"));
        all.addAll(List.of(args));
        return Cli.on(database, all.toArray(String[]::new));
    }
}
