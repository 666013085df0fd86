package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * groups reset-offsets --all-topics resets each topic in its own transaction: where a later topic's reset fails, the
 * earlier ones stay reset, are printed, and the error (exit 1) names the topics reset and those not; a dry run of a
 * group with live members warns that --execute needs --force.
 */
class KliteCliResetsTopicByTopicTest {

    @TempDir
    Path dir;

    @Test
    void aLaterTopicsFailureKeepsAndShowsTheEarlierResets() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            for (String topic : List.of("alpha", "beta", "gamma")) {
                log.sendBatch(topic, 0, List.of("a", "b", "c"));
                log.commit("billing", topic, 0, 3);
            }
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            // another program's trigger refuses any change to beta's offsets: the second topic's reset fails
            for (String event : List.of("INSERT", "UPDATE", "DELETE")) {
                statement.execute("CREATE TRIGGER refuse_beta_" + event + " BEFORE " + event + " ON consumer_offsets"
                                  + " WHEN " + (event.equals("DELETE") ? "OLD" : "NEW") + ".topic = 'beta'"
                                  + " BEGIN SELECT RAISE(ABORT, 'beta is frozen'); END");
            }
        }

        Cli.Run run = Cli.on(database, "groups", "reset-offsets", "--group", "billing", "--all-topics",
                "--to-earliest", "--execute");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("""
                GROUP    TOPIC  PARTITION  CURRENT-OFFSET  NEW-OFFSET  NEXT-OFFSET
                billing  alpha  0          3               0           1
                """);
        assertThat(run.err()).startsWith("Reset group 'billing' on topic(s) 'alpha' (shown above), then failed on"
                + " topic 'beta': ").contains("beta is frozen").endsWith("; not reset: 'beta', 'gamma'\n")
                .hasLineCount(1);
        try (KliteLog log = KliteLog.open(database)) {
            assertThat(log.committed("billing", "alpha", 0)).hasValue(0);
            assertThat(log.committed("billing", "beta", 0)).hasValue(3);
            assertThat(log.committed("billing", "gamma", 0)).hasValue(3);
        }
    }

    @Test
    void aDryRunOfAGroupWithLiveMembersWarnsThatExecuteNeedsForce() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b"));
            log.commit("billing", "orders", 0, 2);
            log.heartbeat("billing", "orders", "member-1", "test pid 1", List.of(), Duration.ofMinutes(5));
        }

        Cli.Run run = Cli.on(database, "groups", "reset-offsets", "--group", "billing", "--topic", "orders",
                "--to-earliest");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).endsWith("Dry run: nothing was written; add --execute to reset group 'billing'.\n");
        assertThat(run.err()).isEqualTo("Warning: 1 live member(s) of group 'billing' consume topic 'orders':"
                + " --execute will be refused unless --force (see 'groups describe --group billing')\n");
    }
}
