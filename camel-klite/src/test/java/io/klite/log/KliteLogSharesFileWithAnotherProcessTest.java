package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes write and read one file at the same time, a second JVM or a Python script holding the write lock:
 * neither sees "database is locked", and every message of both is stored once, under its own offset.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteLogSharesFileWithAnotherProcessTest {

    private static final int EACH = 1500;

    @TempDir
    Path dir;

    @Test
    void twoJvmsSendAndConsumeTheSameTopicConcurrently() throws Exception {
        Path file = dir.resolve("shared.db");
        List<String> expected = new ArrayList<>();
        try (KliteLog log = KliteLog.open(file)) {
            log.createTopic("shared", 1);
            Process child = ChildJvm.start(SecondProcessWriter.class, file.toString(), String.valueOf(EACH));
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");
                child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                // keeps sending for as long as the child does, so the two always overlap
                for (int i = 0; i < EACH || child.isAlive(); i++) {
                    if (i % 10 == 0) {
                        log.sendBatch("shared", 0, List.of("parent-" + i + "a", "parent-" + i + "b"));
                        expected.add("parent-" + i + "a");
                        expected.add("parent-" + i + "b");
                    } else {
                        log.send("shared", 0, "parent-" + i);
                        expected.add("parent-" + i);
                    }
                    if (i % 50 == 0) {
                        List<Message> next = log.fetch("parent", "shared", 0, 100);
                        if (!next.isEmpty()) {
                            log.commit("parent", "shared", 0, next.get(next.size() - 1).offset());
                        }
                    }
                }
                assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(out.readLine()).isEqualTo("done");
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
            for (int i = 0; i < EACH; i++) {
                if (i % 10 == 0) {
                    expected.add("child-" + i + "a");
                    expected.add("child-" + i + "b");
                } else {
                    expected.add("child-" + i);
                }
            }

            List<Message> all = log.read("shared", 0, 0, Integer.MAX_VALUE);
            Set<Long> offsets = new HashSet<>();
            List<String> payloads = new ArrayList<>();
            for (Message m : all) {
                assertThat(offsets.add(m.offset())).isTrue();
                payloads.add(new String(m.payload(), StandardCharsets.UTF_8));
            }
            assertThat(payloads).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(log.endOffset("shared", 0)).isEqualTo(expected.size());
            // the child's writes landed between the parent's: both wrote at the same time. How often the lock
            // changes hands depends on the machine's load (SQLite's busy handler lets the waiter sleep), so no more
            // than that is asserted
            assertThat(writerSwitches(payloads)).as("the two processes wrote at the same time")
                    .isGreaterThanOrEqualTo(2);
            // each process's batches stayed contiguous although the other wrote in between
            for (int i = 0; i < payloads.size(); i++) {
                if (payloads.get(i).endsWith("a")) {
                    assertThat(payloads.get(i + 1)).isEqualTo(payloads.get(i).replaceAll("a$", "b"));
                }
            }
            assertThat(log.committed("child", "shared", 0)).isPresent();
            assertThat(log.committed("parent", "shared", 0)).isPresent();
        }
    }

    @Test
    void aPythonWriterHoldingTheWriteLockDoesNotMakeSendsFail() throws Exception {
        Path file = dir.resolve("python.db");
        Path script = Path.of(getClass().getResource("/python_writer.py").toURI());
        try (KliteLog log = KliteLog.open(file)) {
            log.createTopic("shared", 1);
            Process python = new ProcessBuilder("python3", script.toString(), file.toString(), "shared_0",
                    String.valueOf(EACH / 3)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> expected = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");
                for (int i = 0; python.isAlive() || i < EACH / 3; i++) {
                    log.send("shared", 0, "java-" + i);
                    expected.add("java-" + i);
                    if (i % 20 == 0) {
                        log.commit("java", "shared", 0, log.endOffset("shared", 0));
                    }
                }
                assertThat(python.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(out.readLine()).isEqualTo("done " + EACH / 3);
                assertThat(python.exitValue()).isZero();
            } finally {
                python.destroyForcibly();
            }
            for (int i = 0; i < EACH / 3; i++) {
                expected.add("python-" + i);
            }

            List<String> payloads = log.read("shared", 0, 0, Integer.MAX_VALUE).stream()
                    .map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
            assertThat(payloads).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(writerSwitches(payloads)).as("Java sent while Python took the lock again and again")
                    .isGreaterThanOrEqualTo(10);
        }
    }

    /** How often, in offset order, the writer changes: payloads start with the writer's name. */
    private static int writerSwitches(List<String> payloads) {
        int switches = 0;
        for (int i = 1; i < payloads.size(); i++) {
            if (payloads.get(i).charAt(0) != payloads.get(i - 1).charAt(0)) {
                switches++;
            }
        }
        return switches;
    }
}
