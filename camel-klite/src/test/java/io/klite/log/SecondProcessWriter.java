package io.klite.log;

import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM main for {@link KliteLogSharesFileWithAnotherProcessTest}: a second process on the same file that
 * sends {@code count} messages (every tenth in a batch of two) once the parent says "go" on standard input, and
 * commits as group {@code child} as it goes.
 * Exits 0 only when every call succeeded.
 */
public final class SecondProcessWriter {

    private SecondProcessWriter() {
    }

    public static void main(String[] args) {
        int count = Integer.parseInt(args[1]);
        try (KliteLog log = KliteLog.open(Path.of(args[0]))) {
            System.out.println("ready");
            System.out.flush();
            awaitGo();
            for (int i = 0; i < count; i++) {
                if (i % 10 == 0) {
                    log.sendBatch("shared", 0, List.of("child-" + i + "a", "child-" + i + "b"));
                } else {
                    log.send("shared", 0, "child-" + i);
                }
                if (i % 50 == 0) {
                    List<Message> next = log.fetch("child", "shared", 0, 100);
                    if (!next.isEmpty()) {
                        log.commit("child", "shared", 0, next.get(next.size() - 1).offset());
                    }
                }
            }
        }
        System.out.println("done");
    }

    /** Waits for the parent's "go" on standard input, so both processes start sending at the same moment. */
    private static void awaitGo() {
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (!"go".equals(line)) {
                throw new IllegalStateException("expected 'go' on standard input, got " + line);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
