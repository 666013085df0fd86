package io.klite.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check that every message the service answered 201 for is stored, once, at the offset it answered: the offset
 * ranges answered are disjoint and cover each partition of the topic from offset 1 to its end offset in
 * {@code GET /topics}, with no partition answered that the topic lacks. The topic must have been empty before.
 */
final class StoredOffsets {

    private static final Pattern END_OFFSET = Pattern.compile("\"partition\":(\\d+),(?:\"startOffset\":\\d+,)?\"endOffset\":(\\d+)");

    private StoredOffsets() {
    }

    /**
     * Fails where the service stored other messages than those answered.
     *
     * @param acknowledged per client, the ranges it was answered: partition, first offset and count, one after the
     *                     other
     * @param connection   where to ask {@code GET /topics}
     */
    static void verify(String topic, List<long[]> acknowledged, KeepAliveConnection connection) throws IOException {
        KeepAliveConnection.Answer topics = connection.get("/topics");
        if (topics.status() != 200 || !topics.text().startsWith("[{\"topic\":\"" + topic + "\",")) {
            throw new IllegalStateException("GET /topics answered " + topics.status() + " " + topics.text()
                    + "; topic '" + topic + "' alone was expected");
        }
        Map<Long, Long> endOffsets = new TreeMap<>();
        for (Matcher m = END_OFFSET.matcher(topics.text()); m.find(); ) {
            endOffsets.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        List<long[]> ranges = new ArrayList<>();
        for (long[] client : acknowledged) {
            for (int i = 0; i < client.length; i += 3) {
                ranges.add(new long[] {client[i], client[i + 1], client[i + 2]});
            }
        }
        ranges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        Map<Long, Long> next = new TreeMap<>();
        long answered = 0;
        for (long[] range : ranges) {
            long expected = next.getOrDefault(range[0], 1L);
            if (range[1] != expected) {
                throw new IllegalStateException("Partition " + range[0] + ": offsets " + range[1] + " to "
                        + (range[1] + range[2] - 1) + " were answered, where " + expected + " came next"
                        + (range[1] < expected ? " (answered twice)" : " (offsets nobody was answered)"));
            }
            next.put(range[0], expected + range[2]);
            answered += range[2];
        }
        long stored = 0;
        for (Map.Entry<Long, Long> partition : endOffsets.entrySet()) {
            long answeredEnd = next.getOrDefault(partition.getKey(), 1L) - 1;
            if (answeredEnd != partition.getValue()) {
                throw new IllegalStateException("Partition " + partition.getKey() + " ends at offset "
                        + partition.getValue() + " (GET /topics) but the clients were answered up to " + answeredEnd);
            }
            stored += partition.getValue();
        }
        if (stored != answered || !endOffsets.keySet().containsAll(next.keySet())) {
            throw new IllegalStateException(answered + " messages were answered 201 in partitions " + next.keySet()
                    + "; GET /topics says " + stored + " are stored in " + endOffsets);
        }
        System.out.printf(Locale.ROOT, "Checked: the %,d messages answered 201 are stored, once each, at the"
                + " offsets answered (GET /topics: %s)%n", stored, topics.text());
    }
}
