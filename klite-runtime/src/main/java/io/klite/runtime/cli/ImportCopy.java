package io.klite.runtime.cli;

import io.klite.log.BatchResult;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.OutgoingMessage;
import io.klite.runtime.kafka.InvalidKafkaRecordException;
import io.klite.runtime.kafka.KafkaRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The copy of {@code import --from-kafka}: a Kafka topic's partitions read with one consumer (assigned, not
 * subscribed) up to the end offsets read at the start, each poll's records of a partition appended to the Klite
 * partition of the same number in one transaction. Invariants: the Kafka group, where there is one, is committed on a
 * partition only after Klite stored every record before that offset (or skipped it as a tombstone); a record that
 * cannot become a Klite message stops the copy after the records before it were stored and committed, naming it; no
 * call waits longer than {@link KafkaClients}' bounds, and a partition whose records stop coming for
 * {@link KafkaClients#IDLE_TIMEOUT} before its end offset fails the copy.
 */
final class ImportCopy {

    private static final Duration POLL = Duration.ofMillis(200);

    /** A partition's copy: Kafka offsets (the first record's is 0), and where the records went in Klite. */
    static final class Part {
        final TopicPartition source;
        final long from;
        /** The end offset as read at the start: the offset after the last record to copy. */
        final long end;
        long copied;
        long skipped;
        /** The offset after the last record handled (stored or skipped). */
        long next;
        /** The offset the group committed last, where it did. */
        Long committed;
        long firstKlite;
        long lastKlite;
        boolean done;

        Part(TopicPartition source, long from, long end) {
            this.source = source;
            this.from = from;
            this.end = end;
            this.next = from;
            this.done = from >= end;
        }

        long total() {
            return Math.max(0, end - from);
        }
    }

    /** A topic's copy. */
    record Plan(String topic, String kliteTopic, int partitions, List<Part> parts) {
        long total() {
            return parts.stream().mapToLong(Part::total).sum();
        }

        long copied() {
            return parts.stream().mapToLong(part -> part.copied).sum();
        }
    }

    private final KliteLog log;
    private final Consumer<byte[], byte[]> consumer;
    private final String brokers;
    private final String group;
    private final boolean skipTombstones;
    private final Progress progress;

    /**
     * @param group the consumer's Kafka group, to commit as Klite stores; null for none
     */
    ImportCopy(KliteLog log, Consumer<byte[], byte[]> consumer, String brokers, String group,
            boolean skipTombstones, Progress progress) {
        this.log = log;
        this.consumer = consumer;
        this.brokers = brokers;
        this.group = group;
        this.skipTombstones = skipTombstones;
        this.progress = progress;
    }

    /**
     * The topic's partitions, each from its beginning or the group's committed offset up to its end offset now.
     *
     * @param group the consumer's Kafka group, or null
     */
    static Plan plan(Consumer<byte[], byte[]> consumer, String group, String topic, String target, int count) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, KafkaClients.API_TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaClients.API_TIMEOUT);
        Map<TopicPartition, OffsetAndMetadata> committed = group == null ? Map.of()
                : consumer.committed(new HashSet<>(partitions), KafkaClients.API_TIMEOUT);
        List<Part> parts = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            long from = beginning.get(partition);
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                from = Math.max(from, offset.offset());
            }
            parts.add(new Part(partition, from, end.get(partition)));
        }
        return new Plan(topic, target, count, parts);
    }

    /** Reads the topic's partitions up to their end offsets, storing each poll's records per partition. */
    void copy(Plan plan) {
        progress.start("import Kafka " + plan.topic() + " -> " + plan.kliteTopic(), plan.total());
        Map<TopicPartition, Part> active = new HashMap<>();
        for (Part part : plan.parts()) {
            if (!part.done) {
                active.put(part.source, part);
            }
        }
        consumer.assign(active.keySet());
        active.values().forEach(part -> consumer.seek(part.source, part.from));
        long lastRecordAt = System.nanoTime();
        while (!active.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (TopicPartition partition : records.partitions()) {
                Part part = active.get(partition);
                if (part != null) {
                    store(plan, part, records.records(partition));
                }
            }
            if (!records.isEmpty()) {
                lastRecordAt = System.nanoTime();
            }
            for (Part part : List.copyOf(active.values())) {
                // past the end: the last record copied, or control records (transaction markers) after it
                if (part.next >= part.end || consumer.position(part.source, KafkaClients.API_TIMEOUT) >= part.end) {
                    progress.fewer(part.end - part.next);
                    part.done = true;
                    active.remove(part.source);
                    consumer.pause(List.of(part.source));
                }
            }
            if (!active.isEmpty() && System.nanoTime() - lastRecordAt > KafkaClients.IDLE_TIMEOUT.toNanos()) {
                Part stuck = active.values().iterator().next();
                throw new CliFailure("No record came from Kafka at '" + brokers + "' for "
                        + KafkaClients.IDLE_TIMEOUT.toSeconds() + " s while Kafka topic '" + plan.topic()
                        + "' partition " + stuck.source.partition() + " was at offset " + stuck.next + " of its end "
                        + stuck.end);
            }
        }
        consumer.assign(List.of());
        progress.finish();
    }

    /** Ends a progress line left open, before the error is printed under it. */
    void interrupt() {
        progress.interrupt();
    }

    /**
     * Stores one poll's records of a partition (those before its end offset) in one transaction, then commits the
     * group past them; a tombstone (without {@code --skip-tombstones}) or a key or header that is not UTF-8 stores
     * the records before it and stops the import, naming it.
     */
    private void store(Plan plan, Part part, List<ConsumerRecord<byte[], byte[]>> records) {
        List<OutgoingMessage> messages = new ArrayList<>(records.size());
        long next = part.next;
        long skipped = 0;
        String stop = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.offset() >= part.end) {
                break;
            }
            try {
                Message message = KafkaRecords.fromRecord(record);
                messages.add(new OutgoingMessage(message.key(), message.headers(), message.payload()));
            } catch (InvalidKafkaRecordException invalid) {
                if (!invalid.isTombstone() || !skipTombstones) {
                    stop = invalid.getMessage() + (invalid.isTombstone() ? "; add --skip-tombstones to leave such"
                            + " records out" : "");
                    break;
                }
                skipped++;
            }
            next = record.offset() + 1;
        }
        if (!messages.isEmpty()) {
            BatchResult stored = log.sendMessages(plan.kliteTopic(), part.source.partition(), messages);
            if (part.copied == 0) {
                part.firstKlite = stored.firstOffset();
            }
            part.lastKlite = stored.lastOffset();
            part.copied += messages.size();
        }
        part.skipped += skipped;
        if (next > part.next) {
            // offsets passed without a record: transaction markers, aborted records, records compacted away
            progress.fewer(next - part.next - messages.size() - skipped);
            part.next = next;
            if (group != null) {
                consumer.commitSync(Map.of(part.source, new OffsetAndMetadata(next)), KafkaClients.API_TIMEOUT);
                part.committed = next;
            }
            progress.advance(messages.size() + skipped);
        }
        if (stop != null) {
            throw new CliFailure(stop);
        }
    }

    /** After a failure: what Klite stored (and the group committed), per partition. */
    String howFar(List<Plan> plans) {
        List<String> parts = new ArrayList<>();
        for (Plan plan : plans) {
            for (Part part : plan.parts()) {
                if (part.total() > 0) {
                    parts.add(plan.topic() + " partition " + part.source.partition() + ": " + (part.next == part.from
                            ? "none" : part.from + ".." + (part.next - 1)) + " of " + part.from + ".." + (part.end - 1)
                            + (group == null ? "" : part.committed == null ? ", group not committed"
                            : ", group committed to " + part.committed));
                }
            }
        }
        return "Kafka offsets stored in Klite before the failure: " + String.join(", ", parts)
                + (group == null ? "" : "; a second run with --group '" + group + "' carries on from the committed"
                + " offsets");
    }
}
