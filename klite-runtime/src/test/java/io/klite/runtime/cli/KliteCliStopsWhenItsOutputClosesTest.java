package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * consume stops once standard output fails (a closed pipe, as after {@code | head -1}), with exit code 1, as Kafka's
 * console consumer stops; with --commit it commits the messages written, never one that standard output refused.
 */
class KliteCliStopsWhenItsOutputClosesTest {

    @TempDir
    Path dir;

    /** Takes whole lines until {@code lines} of them are written, then fails every write, as a closed pipe does. */
    static final class ClosingAfter extends OutputStream {
        private final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        private int linesLeft;

        ClosingAfter(int lines) {
            this.linesLeft = lines;
        }

        @Override
        public void write(int b) throws IOException {
            if (linesLeft == 0) {
                throw new IOException("Broken pipe");
            }
            taken.write(b);
            if (b == '\n') {
                linesLeft--;
            }
        }

        String taken() {
            return taken.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void consumeStopsAndCommitsOnlyWhatWasWritten() {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e"));
        }
        ClosingAfter out = new ClosingAfter(2);

        Cli.Run run = Cli.runWithOutput(out, "consume", "--topic", "orders", "--from-beginning", "--group", "ops",
                "--commit", "--timeout-ms", "5000", "--database", database.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(out.taken()).isEqualTo("a\nb\n");
        assertThat(run.err()).isEqualTo("Cannot write to standard output (closed, such as by '| head'): stopped after"
                + " 2 message(s) written; group 'ops' committed past those only\n");
        try (KliteLog log = KliteLog.open(database)) {
            assertThat(log.committed("ops", "orders", 0)).hasValue(2);
        }
    }

    @Test
    void consumeAsJsonStopsToo() {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b", "c"));
        }
        ClosingAfter out = new ClosingAfter(0);

        Cli.Run run = Cli.runWithOutput(out, "consume", "--topic", "orders", "--from-beginning", "--output", "json",
                "--timeout-ms", "5000", "--database", database.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Cannot write to standard output (closed, such as by '| head'): stopped after"
                + " 0 message(s) written\n");
    }
}
