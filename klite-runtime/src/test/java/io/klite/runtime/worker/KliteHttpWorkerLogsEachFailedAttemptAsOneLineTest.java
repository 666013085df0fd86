package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's failed attempt is one WARN line in the service's log: topic, partition, offsets, group, the attempt,
 * when the next one is, and the reason (the status and the start of the answer, on one line), without a stack trace.
 */
class KliteHttpWorkerLogsEachFailedAttemptAsOneLineTest {

    private static final Pattern FAILED = Pattern.compile("\\[WARN] WorkerFailureHandler - Delivery failed:"
            + " topic 'orders' partition 0 offsets 1\\.\\.2 group 'billing' attempt (\\d+);"
            + " next attempt at (\\S+) \\(in (\\d+) ms\\);"
            + " reason: HTTP 500 Internal Server Error, answer: \\{\"error\": \"down\", \"trace\": \"line one line two\"};"
            + " endpoint http://127\\.0\\.0\\.1:\\d+/hook\\n");

    @TempDir
    Path dir;

    @Test
    void aFailedAttemptIsOneLineWithTheNextAttemptsTimeAndTheReason() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (HttpSink sink = HttpSink.start(request -> {
            request.answerBody = "{\"error\": \"down\",\n  \"trace\": \"line one\n\tline two\"}"
                    .getBytes(StandardCharsets.UTF_8);
            return 500;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 300ms }
                    """.formatted(sink.url("/hook")));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> sink.received().size() >= 3);
            } finally {
                System.setErr(stderr);
            }
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        stderr.print(output);

        Matcher line = FAILED.matcher(output);
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(line.find()).as("attempt %d in:%n%s", attempt, output).isTrue();
            assertThat(line.group(1)).isEqualTo(String.valueOf(attempt));
            assertThat(Instant.parse(line.group(2))).isCloseTo(Instant.now(), within(20, ChronoUnit.SECONDS));
            // the wait doubles from interval: 300 ms, then 600 ms
            assertThat(line.group(3)).isEqualTo(String.valueOf(300 << (attempt - 1)));
        }
        assertThat(output).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("[ERROR]");
    }
}
