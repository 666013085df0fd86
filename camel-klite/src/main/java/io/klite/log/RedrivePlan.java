package io.klite.log;

import io.klite.log.TableScan.TopicTables;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A redrive checked whole before it writes anything: for each dead-letter partition, the range of dead letters it
 * copies back, and for each original topic that does not exist yet, the partition count it is created with.
 *
 * <p>Invariants: checking only reads the file. Every dead letter of a range has the headers saying where it came from,
 * naming a valid topic and a partition that topic has, or, for a topic the file does not have, a valid partition
 * number: such a topic gets enough partitions for every dead letter of the redrive that names it (at least the log's
 * default count), and no other application's table stands in the way of its tables. The first dead letter that breaks
 * this refuses the whole redrive ({@link InvalidDeadLetterException}), before anything was written.
 */
final class RedrivePlan {

    /** Dead letters whose headers one query reads while checking. */
    private static final int CHECK_CHUNK = 1000;
    /** The most characters of a header value an error shows. */
    private static final int MAX_VALUE_SHOWN = 100;

    /**
     * One dead-letter partition's part: its dead letters after offset {@code after} up to offset {@code last}, those
     * the check read; none where {@code last <= after}.
     */
    record Range(TopicPartition dlq, long after, long last) {
    }

    /** An original topic as the check found it, and, where the file has none, the dead letter that named it first. */
    private static final class Original {
        final String topic;
        final TableScan scan;
        final TopicTables existing;
        int partitionsIfNew;
        TopicPartition firstDlq;
        long firstOffset;
        String firstPartition;

        Original(String topic, TableScan scan, TopicTables existing) {
            this.topic = topic;
            this.scan = scan;
            this.existing = existing;
        }
    }

    private final Database db;
    private final int defaultPartitionCount;
    private final List<Range> ranges = new ArrayList<>();
    /** Every original topic named so far, by lower-cased name (SQLite's table names ignore case). */
    private final Map<String, Original> originals = new LinkedHashMap<>();

    RedrivePlan(Database db, int defaultPartitionCount) {
        this.db = db;
        this.defaultPartitionCount = defaultPartitionCount;
    }

    /**
     * Checks the dead letters of the partition after offset {@code after} up to {@code toOffset}, those written by
     * now, and adds them as its range.
     *
     * @param dlq a partition whose table exists with Klite's columns
     * @throws InvalidDeadLetterException naming the first that cannot go back
     */
    void check(TopicPartition dlq, long after, long toOffset) {
        String select = "SELECT id, headers FROM " + dlq.table() + " WHERE id > ? AND id <= ? ORDER BY id LIMIT "
                + CHECK_CHUNK;
        long last = after;
        while (true) {
            long from = last;
            Map<Long, String> rows = db.read(conn -> {
                PreparedStatement statement = conn.prepare(select);
                statement.setLong(1, from);
                statement.setLong(2, toOffset);
                Map<Long, String> headers = new LinkedHashMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        headers.put(rs.getLong(1), rs.getString(2));
                    }
                }
                return headers;
            });
            for (Map.Entry<Long, String> row : rows.entrySet()) {
                long offset = row.getKey();
                check(dlq, offset, row.getValue() == null ? Map.of() : Headers.fromColumn(row.getValue(), dlq, offset));
                last = offset;
            }
            if (rows.size() < CHECK_CHUNK) {
                ranges.add(new Range(dlq, after, last));
                return;
            }
        }
    }

    /** Adds a partition with nothing to redrive. */
    void nothing(TopicPartition dlq) {
        ranges.add(new Range(dlq, 0, 0));
    }

    /**
     * The ranges, in the order they were added, once every new topic was checked against the tables of the file.
     *
     * @throws InvalidDeadLetterException naming the first dead letter of a new topic whose tables cannot be created
     */
    List<Range> ranges() {
        for (Original original : originals.values()) {
            if (original.existing != null) {
                continue;
            }
            for (int p = 0; p < original.partitionsIfNew; p++) {
                String table = new TopicPartition(original.topic, p).tableName();
                if (original.scan.isOtherTable(table)) {
                    throw refused(original.firstDlq, original.firstOffset, original.topic, original.firstPartition,
                            "topic '" + original.topic + "' does not exist, and the redrive would create it with "
                            + original.partitionsIfNew + " partitions, but table \"" + table + "\" exists and is not a"
                            + " partition table (it lacks an id or a data column)");
                }
            }
        }
        return List.copyOf(ranges);
    }

    /**
     * The partition count a missing original topic is created with: enough for every dead letter of the redrive that
     * names it; for one the check did not see (deleted meanwhile), enough for this partition.
     */
    int partitionsIfNew(TopicPartition original) {
        Original known = originals.get(TableScan.lower(original.topic()));
        int planned = known == null ? 0 : known.partitionsIfNew;
        return Math.max(planned, Math.max(defaultPartitionCount, original.partition() + 1));
    }

    /** Where a checked dead letter came from, read from its headers. */
    static TopicPartition original(Message message) {
        return new TopicPartition(message.headers().get(DeadLetter.ORIGINAL_TOPIC),
                Limits.partition(DeadLetter.ORIGINAL_PARTITION + " ", message.headers().get(
                        DeadLetter.ORIGINAL_PARTITION)));
    }

    /** Checks one dead letter's headers against the file, and notes a new topic's partitions. */
    private void check(TopicPartition dlq, long offset, Map<String, String> headers) {
        String topic = headers.get(DeadLetter.ORIGINAL_TOPIC);
        String partitionText = headers.get(DeadLetter.ORIGINAL_PARTITION);
        if (topic == null || partitionText == null) {
            throw refused(dlq, offset, topic, partitionText, "it has no " + (topic == null ? DeadLetter.ORIGINAL_TOPIC
                    : DeadLetter.ORIGINAL_PARTITION) + " header, so it was not written by dead-lettering");
        }
        int partition;
        try {
            TopicPartition.validateTopic(topic);
            partition = Limits.partition(DeadLetter.ORIGINAL_PARTITION + " ", partitionText);
        } catch (InvalidTopicException | InvalidPartitionException e) {
            throw refused(dlq, offset, topic, partitionText, e.getMessage());
        }
        Original original = originals.get(TableScan.lower(topic));
        if (original == null) {
            TableScan scan = db.read(conn -> TableScan.ofTopic(conn, topic));
            TopicTables existing;
            try {
                existing = scan.find(topic);
            } catch (InvalidTopicException e) {
                throw refused(dlq, offset, topic, partitionText, e.getMessage());
            }
            original = new Original(topic, scan, existing);
            originals.put(TableScan.lower(topic), original);
        } else if (!original.topic.equals(topic)) {
            throw refused(dlq, offset, topic, partitionText, original.existing != null
                    ? "Topic '" + topic + "' clashes with existing topic '" + original.topic + "': SQLite table names"
                    + " ignore case, so topic names must differ in more than case"
                    : "topic '" + topic + "' differs only in case from topic '" + original.topic + "', which a dead"
                    + " letter before it names and which the redrive would create: SQLite table names ignore case,"
                    + " so topic names must differ in more than case");
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        if (original.existing == null) {
            if (original.firstDlq == null) {
                original.firstDlq = dlq;
                original.firstOffset = offset;
                original.firstPartition = partitionText;
            }
            original.partitionsIfNew = Math.max(original.partitionsIfNew,
                    Math.max(defaultPartitionCount, partition + 1));
        } else if (partition >= original.existing.partitionCount()) {
            throw refused(dlq, offset, topic, partitionText,
                    tp.outOfRange(true, original.existing.partitionCount()).getMessage());
        } else if (!original.scan.hasTable(topic, partition) && original.scan.isOtherTable(tp.tableName())) {
            throw refused(dlq, offset, topic, partitionText, "table \"" + tp.tableName() + "\" exists and is not a"
                    + " partition table (it lacks an id or a data column), so partition " + partition + " of topic '"
                    + topic + "' cannot be written");
        }
    }

    /** The refusal of a dead letter: where it is, its headers, what is wrong, and that nothing was written. */
    private static InvalidDeadLetterException refused(TopicPartition dlq, long offset, String topic, String partition,
                                                      String problem) {
        return new InvalidDeadLetterException("Cannot redrive the dead letter at offset " + offset + " of topic '"
                + dlq.topic() + "' partition " + dlq.partition() + " (" + DeadLetter.ORIGINAL_TOPIC + " " + shown(topic)
                + ", " + DeadLetter.ORIGINAL_PARTITION + " " + shown(partition) + "): " + problem + "; nothing was"
                + " redriven (a redrive never skips a dead letter; to skip this one for good, and any before it not"
                + " redriven yet, move group '" + KliteLog.REDRIVE_GROUP + "' on topic '" + dlq.topic() + "' partition " + dlq.partition()
                + " past offset " + offset + ")");
    }

    private static String shown(String value) {
        if (value == null) {
            return "absent";
        }
        return "'" + (value.length() <= MAX_VALUE_SHOWN ? value : value.substring(0, MAX_VALUE_SHOWN) + "...") + "'";
    }
}
