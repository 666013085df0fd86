package io.klite.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the tests' log backend (slf4j-simple, which writes to {@link System#err}) printed while a piece of a test ran:
 * for tests of the service's log lines. What was captured is printed again afterwards, so the test output keeps it.
 */
public final class StandardError {

    /** A piece of a test that may throw. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private StandardError() {
    }

    /** The lines printed to standard error while {@code work} ran. */
    public static List<String> linesDuring(Work work) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
            original.print(captured.toString(StandardCharsets.UTF_8));
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
