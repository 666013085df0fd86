package io.klite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GC pauses of a JVM's unified GC log written with {@code -Xlog:gc:file=<file>:}{@value #DECORATORS}, each with
 * the wall-clock time it ended and the heap in use after it, such as
 * {@code [1.234s][1764133200123ms][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 45M->12M(128M) 1.234ms}.
 */
final class GcLog {

    /** The decorators the log must be written with: the JVM prints them in its own order, the wall-clock time in milliseconds after the uptime. */
    static final String DECORATORS = "timemillis,uptime,level,tags";

    private static final Pattern PAUSE = Pattern.compile(
            "\\[(\\d+)ms].*\\bGC\\(\\d+\\) Pause .*?(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    /** One pause: when it was logged ({@link System#currentTimeMillis()} scale) and the heap after it, in MiB. */
    record Pause(long millis, double afterMiB) {
    }

    /** The heap after GC over a time window: maxima of its first and last quarters and of all of it. */
    record Window(double firstQuarterMaxMiB, double lastQuarterMaxMiB, double maxMiB, int pauses) {
    }

    private GcLog() {
    }

    /** The pauses the log holds, in its order; lines other than pauses with a heap transition are left out. */
    static List<Pause> read(Path file) throws IOException {
        List<Pause> pauses = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher matcher = PAUSE.matcher(line);
            if (matcher.find()) {
                pauses.add(new Pause(Long.parseLong(matcher.group(1)), mib(matcher.group(4), matcher.group(5))));
            }
        }
        return pauses;
    }

    /**
     * The heap after the pauses that ended between {@code fromMillis} and {@code toMillis}; a quarter without a
     * pause has NaN as its maximum.
     */
    static Window window(List<Pause> pauses, long fromMillis, long toMillis) {
        long quarter = Math.max(1, (toMillis - fromMillis) / 4);
        double first = Double.NaN;
        double last = Double.NaN;
        double max = Double.NaN;
        int count = 0;
        for (Pause pause : pauses) {
            if (pause.millis() < fromMillis || pause.millis() > toMillis) {
                continue;
            }
            count++;
            max = maxOf(max, pause.afterMiB());
            if (pause.millis() <= fromMillis + quarter) {
                first = maxOf(first, pause.afterMiB());
            }
            if (pause.millis() >= toMillis - quarter) {
                last = maxOf(last, pause.afterMiB());
            }
        }
        return new Window(first, last, max, count);
    }

    private static double maxOf(double max, double value) {
        return Double.isNaN(max) ? value : Math.max(max, value);
    }

    private static double mib(String amount, String unit) {
        double value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value / 1024;
            case "G" -> value * 1024;
            default -> value;
        };
    }
}
