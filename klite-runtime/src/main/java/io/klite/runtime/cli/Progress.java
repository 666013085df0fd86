package io.klite.runtime.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How far a copy ({@code export}, {@code import}) has got, on standard error: one line per topic at most about every
 * second and at each 10 % step, then a last one when the topic is done. Where standard error is a terminal, each line
 * overwrites the one before ({@code \r}) and the last one stays; elsewhere (a file, a pipe, a test) each is its own
 * line, so that a log keeps them. Invariant: it never writes to standard output, which holds the command's answer.
 */
final class Progress {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier clock;

    private String label;
    private long total;
    private long done;
    private long startedAt;
    private long shownAt;
    private int shownStep;
    private int lastWidth;

    Progress(PrintWriter err, boolean terminal) {
        this(err, terminal, System::nanoTime);
    }

    Progress(PrintWriter err, boolean terminal, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
    }

    /**
     * Whether this process's standard error is a terminal: on Linux, where {@code /proc/self/fd/2} links to a
     * terminal device; elsewhere, where the JVM has a console (standard input and output are terminals).
     */
    static boolean standardErrorIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception noProc) {
            return System.console() != null;
        }
    }

    /** Starts a topic's line: {@code label} says what is copied where, {@code total} how many messages at most. */
    void start(String label, long total) {
        this.label = label;
        this.total = total;
        this.done = 0;
        this.startedAt = clock.getAsLong();
        this.shownAt = startedAt;
        this.shownStep = 0;
        this.lastWidth = 0;
    }

    /**
     * Counts {@code messages} more as copied; shows the line where a second has passed or a 10 % step was crossed (not
     * at the end: {@link #finish()} shows that).
     */
    void advance(long messages) {
        done += messages;
        long now = clock.getAsLong();
        int step = total == 0 ? 10 : (int) Math.min(10, done * 10 / total);
        if (done < total && (now - shownAt >= EVERY_NANOS || step > shownStep)) {
            shownAt = now;
            shownStep = step;
            show(line(now, false), false);
        }
    }

    /**
     * Counts {@code messages} fewer in the total: offsets that turned out to hold no message to copy (an import's
     * transaction markers, aborted records, records compacted away), so that a copy that got to its end shows 100 %.
     */
    void fewer(long messages) {
        total = Math.max(done, total - messages);
    }

    /** The topic's last line: what was copied in how long. */
    void finish() {
        show(line(clock.getAsLong(), true), true);
    }

    /** Ends a line {@code \r} left open, before an error is printed under it. */
    void interrupt() {
        if (terminal && lastWidth > 0) {
            err.println();
            err.flush();
            lastWidth = 0;
        }
    }

    private String line(long now, boolean finished) {
        double seconds = (now - startedAt) / 1e9;
        String rate = seconds > 0 ? ", " + String.format(Locale.ROOT, "%,d", Math.round(done / seconds)) + " msg/s"
                : "";
        String percent = total == 0 ? "100" : String.valueOf(done * 100 / total);
        return label + ": " + String.format(Locale.ROOT, "%,d/%,d", done, total) + " messages (" + percent + " %)"
               + (finished ? " in " + String.format(Locale.ROOT, "%.1f", seconds) + " s" : "") + rate;
    }

    private void show(String line, boolean last) {
        if (terminal) {
            int width = line.length();
            err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - width)));
            lastWidth = width;
            if (last) {
                err.println();
                lastWidth = 0;
            }
        } else {
            err.println(line);
        }
        err.flush();
    }
}
