package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The progress of export and import on standard error: a line at each 10 % step and at most about every second in
 * between, the last one with the time taken; each its own line where standard error is not a terminal (a log keeps
 * them all), one line updated with {@code \r} where it is, ended before an error is printed under it.
 */
class KliteCliShowsCopyProgressTest {

    private final StringWriter text = new StringWriter();
    private long now;

    private Progress progress(boolean terminal) {
        return new Progress(new PrintWriter(text), terminal, () -> now);
    }

    private void after(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void eachStepOfTenPercentOrEverySecondIsItsOwnLineWhereStandardErrorIsNoTerminal() {
        Progress progress = progress(false);
        progress.start("export orders -> Kafka orders", 1000);
        for (int i = 0; i < 10; i++) {
            after(100);
            progress.advance(25); // 2.5 % each
        }
        after(2000);
        progress.advance(50); // 30 %, and two seconds later: one line
        after(1000);
        progress.advance(1); // a second since: a line
        after(400);
        progress.advance(699); // the end: finish shows it
        progress.finish();

        assertThat(text.toString()).isEqualTo("""
                export orders -> Kafka orders: 100/1,000 messages (10 %), 250 msg/s
                export orders -> Kafka orders: 200/1,000 messages (20 %), 250 msg/s
                export orders -> Kafka orders: 300/1,000 messages (30 %), 100 msg/s
                export orders -> Kafka orders: 301/1,000 messages (30 %), 75 msg/s
                export orders -> Kafka orders: 1,000/1,000 messages (100 %) in 4.4 s, 227 msg/s
                """);
    }

    @Test
    void aTerminalGetsOneLineUpdatedInPlace() {
        Progress progress = progress(true);
        progress.start("import Kafka orders -> orders", 200);
        after(1000);
        progress.advance(100);
        progress.interrupt();
        progress.start("import Kafka audit -> audit", 0);
        progress.finish();

        assertThat(text.toString()).isEqualTo("\rimport Kafka orders -> orders: 100/200 messages (50 %), 100 msg/s\n"
                + "\rimport Kafka audit -> audit: 0/0 messages (100 %) in 0.0 s\n");
    }
}
