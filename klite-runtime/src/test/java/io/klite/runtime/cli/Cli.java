package io.klite.runtime.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The admin CLI run in the test's JVM, as {@code java -jar klite-runtime.jar} runs it, its output captured. */
final class Cli {

    /** What a run printed, and its exit code. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** Runs the command with nothing on standard input. */
    static Run run(String... args) {
        return runWithInput("", args);
    }

    /** Runs the command on the database file, {@code --database <file>} added after the arguments. */
    static Run on(Path database, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--database");
        all.add(database.toString());
        return run(all.toArray(String[]::new));
    }

    /** Runs the command with its standard output going to {@code out}; what it printed on standard error. */
    static Run runWithOutput(OutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KliteCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, "", err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the command with {@code input} on standard input. */
    static Run runWithInput(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KliteCli.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
