package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Two processes' cleaners on one file, while this process goes on sending: every row goes once (the deletions of
 * both add up to what went), exactly the newest messages the settings keep are left, and offsets go on.
 */
class KliteLogRetentionInTwoProcessesTest extends LogTestSupport {

    private static final int BACKLOG = 200_000;
    private static final long KEEP = 100;

    @Test
    void twoCleanersDeleteEachRowOnceAndKeepExactlyTheNewest() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
            payloads.add("m" + i);
        }
        log.sendBatch("orders", 0, payloads);
        log.configureTopic("orders", new TopicConfig(null, KEEP, false));

        Process child = ChildJvm.start(RetentionCleanerProcess.class, log.path().toString(), "orders");
        long childDeleted;
        long mine = 0;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            // both cleaners on the backlog at once, chunk by chunk
            mine += log.applyRetention("orders");
            for (int round = 0; round < 20; round++) {
                log.sendBatch("orders", 0, List.of("late-" + round));
                mine += log.applyRetention("orders");
            }
            String last = out.readLine();
            assertThat(last).startsWith("deleted ");
            childDeleted = Long.parseLong(last.substring("deleted ".length()));
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        mine += log.applyRetention("orders");

        System.out.printf("Two cleaners: this process deleted %d rows, the other %d%n", mine, childDeleted);
        long end = log.endOffset("orders", 0);
        assertThat(end).isEqualTo(BACKLOG + 20);
        assertThat(mine + childDeleted).as("rows deleted by both cleaners").isEqualTo(end - KEEP);
        // each leaves the writer free between its chunks for as long as a chunk took, so on a backlog of 40 chunks
        // the two take turns
        assertThat(mine).as("rows this process deleted").isPositive();
        assertThat(childDeleted).as("rows the other process deleted").isPositive();
        assertThat(log.read("orders", 0, 0, 1000)).extracting(Message::offset)
                .containsExactlyElementsOf(LongStream.rangeClosed(end - KEEP + 1, end).boxed().toList());
        assertThat(log.send("orders", 0, "next")).isEqualTo(end + 1);
    }
}
