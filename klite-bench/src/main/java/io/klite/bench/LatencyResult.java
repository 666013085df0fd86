package io.klite.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The line a latency benchmark prints for KliteBench: {@code RESULT <name> <p50> <p99> <p999> <max> <count>}, in ms. */
final class LatencyResult {

    private LatencyResult() {
    }

    static void print(String name, Histogram histogram) {
        System.out.printf(Locale.ROOT, "RESULT %s %.3f %.3f %.3f %.3f %d%n", name,
                millis(histogram.getValueAtPercentile(50)), millis(histogram.getValueAtPercentile(99)),
                millis(histogram.getValueAtPercentile(99.9)), millis(histogram.getMaxValue()),
                histogram.getTotalCount());
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }
}
