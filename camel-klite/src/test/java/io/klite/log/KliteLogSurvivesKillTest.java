package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A send that returned survives the process being killed: a child JVM prints every offset it got back, is killed
 * with {@code destroyForcibly()} mid-stream, and the reopened file holds every printed offset with its payload;
 * the group resumes at its committed offset + 1.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteLogSurvivesKillTest {

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyReturnedSendIsInTheFileAfterKill9() throws Exception {
        Path file = dir.resolve("crash.db");
        Process child = ChildJvm.start(CrashingSender.class, file.toString());
        Map<Long, String> printed = new LinkedHashMap<>();
        long lastCommitted = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            String line;
            while (printed.size() < 1500 && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts[0].equals("sent")) {
                    printed.put(Long.parseLong(parts[1]), parts[2]);
                } else {
                    lastCommitted = Long.parseLong(parts[1]);
                }
            }
            // kill -9 while it is sending; lines it printed after this point are not counted (the streams close)
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(printed).hasSizeGreaterThanOrEqualTo(1500);
        assertThat(lastCommitted).isPositive();

        try (KliteLog log = KliteLog.open(file)) {
            List<Message> all = log.read("crash", 0, 0, Integer.MAX_VALUE);
            Map<Long, String> stored = new LinkedHashMap<>();
            all.forEach(m -> stored.put(m.offset(), new String(m.payload(), StandardCharsets.UTF_8)));
            assertThat(stored).containsAllEntriesOf(printed);
            assertThat(all).extracting(Message::offset)
                    .as("offsets are 1..n with no gap").containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toList());

            long committed = log.committed("crash-group", "crash", 0).orElseThrow();
            assertThat(committed).isGreaterThanOrEqualTo(lastCommitted);
            assertThat(log.fetch("crash-group", "crash", 0, 1)).extracting(Message::offset)
                    .containsExactly(committed + 1);
            // and the reopened file takes new sends after the last stored offset
            assertThat(log.send("crash", 0, "after restart")).isEqualTo(all.size() + 1);
        }
    }
}
