package io.klite.runtime.cli;

import io.klite.log.BatchResult;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.OutgoingMessage;
import io.klite.runtime.KliteMain;
import io.klite.runtime.kafka.InvalidKafkaRecordException;
import io.klite.runtime.kafka.KafkaRecords;
import io.klite.runtime.kafka.KafkaTopicCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;

/**
 * {@code import --from-kafka}: a one-time copy of Kafka topics into Klite topics, each Kafka partition from its
 * beginning (or after {@code --group}'s committed offset) up to its end offset as read when the command starts (only
 * committed records: {@code read_committed}), appended to the Klite partition of the same number with its key and
 * headers (as {@link KafkaRecords} reads them back: UTF-8, a repeated header name's last value), one transaction per
 * partition and poll. Invariants: Kafka is asked first (brokers reachable, topics present), then every Klite topic is
 * checked before anything is written: a missing one is created with the Kafka topic's partition count, one with fewer
 * partitions is refused, writing nothing; with {@code --group} (a Kafka consumer group, refused while it has live
 * members) each partition is committed in Kafka only after Klite stored the records before that offset, so that a
 * second run carries on; a tombstone (a null value) stops the copy, naming it, unless {@code --skip-tombstones}; no
 * Kafka call waits longer than {@link KafkaClients}' bounds, and a partition whose records stop coming for
 * {@link KafkaClients#IDLE_TIMEOUT} before its end offset fails the import.
 */
@Command(name = "import", sortOptions = false,
        description = {"Copies Kafka topics into Klite topics once (--from-kafka), partition for partition.",
                       "Each partition from its beginning, or from --group's committed offsets, up to its end as read"
                       + " at the start, into the Klite partition of the same number, keys and headers kept; creates a"
                       + " missing Klite topic with the Kafka topic's partition count. Progress on standard error, the"
                       + " summary on standard output."})
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    private KliteCli cli;

    @Mixin
    private CommonOptions common;

    @Option(names = "--from-kafka", required = true, description = "Copy from Kafka (the only source).")
    private boolean fromKafka;

    @Option(names = "--brokers", paramLabel = "<host:port,...>", required = true, converter = Values.Brokers.class,
            description = "Kafka's bootstrap servers, such as 127.0.0.1:9092.")
    private String brokers;

    @Option(names = "--topic", paramLabel = "<topic>", required = true, converter = Values.Topic.class,
            description = "A Kafka topic to copy; repeat for several.")
    private List<String> topics;

    @Option(names = "--klite-topic", paramLabel = "<topic>", converter = Values.Topic.class,
            description = "The Klite topic (one --topic only); default the Kafka topic's name.")
    private String kliteTopic;

    @Option(names = "--group", paramLabel = "<group>", converter = Values.Group.class,
            description = "A Kafka consumer group: start after its committed offsets, and commit them as Klite stores"
                          + " each batch.")
    private String group;

    @Option(names = "--skip-tombstones", description = "Leave out records with a null value (counted in the"
            + " summary); without it, one stops the import, naming it.")
    private boolean skipTombstones;

    /** A partition's copy: Kafka offsets (the first record's is 0), and where the records went in Klite. */
    private static final class Part {
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
    private record Plan(String topic, String kliteTopic, int partitions, List<Part> parts) {
        long total() {
            return parts.stream().mapToLong(Part::total).sum();
        }

        long copied() {
            return parts.stream().mapToLong(part -> part.copied).sum();
        }
    }

    private Progress progress;

    @Override
    public Integer call() {
        checkUsage();
        progress = new Progress(common.commandLine().getErr(), cli.errorIsTerminal);
        long began = System.nanoTime();
        // Kafka first: a file is neither created nor written where Kafka cannot be read
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (KafkaTopicCheck check = KafkaTopicCheck.open(brokers)) {
            for (String topic : topics) {
                counts.put(topic, check.partitionCount(topic));
            }
        }
        if (group != null) {
            KafkaGroups.refuseLiveMembers(brokers, group);
        }
        List<Plan> plans = new ArrayList<>();
        try (KliteLog log = common.openOrCreate()) {
            for (String topic : topics) {
                String target = kliteTopic != null ? kliteTopic : topic;
                int existing = log.partitionCount(target);
                if (existing > 0 && existing < counts.get(topic)) {
                    throw fewerPartitions(topic, counts.get(topic), target, existing);
                }
            }
            for (String topic : topics) {
                String target = kliteTopic != null ? kliteTopic : topic;
                int count = log.createTopicIfAbsent(target, counts.get(topic));
                if (count < counts.get(topic)) {
                    // another process created it meanwhile, with fewer partitions
                    throw fewerPartitions(topic, counts.get(topic), target, count);
                }
            }
            KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(brokers, group);
            try {
                for (String topic : topics) {
                    plans.add(plan(consumer, topic, kliteTopic != null ? kliteTopic : topic, counts.get(topic)));
                }
                for (Plan plan : plans) {
                    copy(log, consumer, plan);
                }
            } catch (CliFailure | KafkaException e) {
                progress.interrupt();
                if (plans.isEmpty()) {
                    throw e instanceof CliFailure failure ? failure : kafkaFailure(e, "reading the offsets");
                }
                print(plans, System.nanoTime() - began);
                String reason = e instanceof CliFailure ? e.getMessage() : kafkaFailure(e, "importing").getMessage();
                throw new CliFailure(reason + "; " + howFar(plans));
            } finally {
                consumer.close(KafkaClients.CLOSE_TIMEOUT);
            }
            print(plans, System.nanoTime() - began);
        }
        return 0;
    }

    private void checkUsage() {
        if (kliteTopic != null && topics.size() > 1) {
            throw new ParameterException(common.commandLine(), "--klite-topic goes with one --topic only ("
                    + topics.size() + " given): several topics each go to the Klite topic of their own name");
        }
        if (topics.stream().distinct().count() < topics.size()) {
            throw new ParameterException(common.commandLine(), "--topic names a topic twice: " + topics);
        }
    }

    private CliFailure fewerPartitions(String topic, int kafka, String target, int klite) {
        return new CliFailure("Cannot import Kafka topic '" + topic + "' (" + kafka + " partitions) into Klite topic '"
                + target + "': it has " + klite + " partition(s), and Kafka partition(s) " + (klite == kafka - 1
                ? String.valueOf(klite) : klite + ".." + (kafka - 1)) + " would have no counterpart; import into a new"
                + " topic with --klite-topic (created with " + kafka + " partitions); nothing was written");
    }

    private CliFailure kafkaFailure(Exception e, String doing) {
        return new CliFailure("Kafka at '" + brokers + "' failed while " + doing + ": " + KliteMain.describe(e));
    }

    /** The topic's partitions, each from its beginning or the group's committed offset up to its end offset now. */
    private Plan plan(KafkaConsumer<byte[], byte[]> consumer, String topic, String target, int count) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, KafkaClients.API_TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaClients.API_TIMEOUT);
        Map<TopicPartition, OffsetAndMetadata> committed = group == null ? Map.of()
                : consumer.committed(new java.util.HashSet<>(partitions), KafkaClients.API_TIMEOUT);
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
    private void copy(KliteLog log, KafkaConsumer<byte[], byte[]> consumer, Plan plan) {
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
            ConsumerRecords<byte[], byte[]> records = consumer.poll(java.time.Duration.ofMillis(200));
            for (TopicPartition partition : records.partitions()) {
                Part part = active.get(partition);
                if (part != null) {
                    store(log, consumer, plan, part, records.records(partition));
                }
            }
            if (!records.isEmpty()) {
                lastRecordAt = System.nanoTime();
            }
            for (Part part : List.copyOf(active.values())) {
                // past the end: the last record copied, or control records (transaction markers) after it
                if (part.next >= part.end || consumer.position(part.source, KafkaClients.API_TIMEOUT) >= part.end) {
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

    /**
     * Stores one poll's records of a partition (those before its end offset) in one transaction, then commits the
     * group past them; a tombstone (without {@code --skip-tombstones}) or a key or header that is not UTF-8 stores
     * the records before it and stops the import, naming it.
     */
    private void store(KliteLog log, KafkaConsumer<byte[], byte[]> consumer, Plan plan, Part part,
            List<ConsumerRecord<byte[], byte[]>> records) {
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
    private String howFar(List<Plan> plans) {
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

    private void print(List<Plan> plans, long nanos) {
        Table table = new Table("TOPIC", "PARTITION", "FROM-OFFSET", "TO-OFFSET", "MESSAGES", "SKIPPED",
                "KLITE-TOPIC", "KLITE-FIRST-OFFSET", "KLITE-LAST-OFFSET");
        List<Map<String, Object>> topicsJson = new ArrayList<>();
        long total = 0;
        for (Plan plan : plans) {
            List<Map<String, Object>> partitionsJson = new ArrayList<>();
            for (Part part : plan.parts()) {
                boolean any = part.next > part.from;
                Long from = any ? part.from : null;
                Long to = any ? part.next - 1 : null;
                Long firstKlite = part.copied > 0 ? part.firstKlite : null;
                Long lastKlite = part.copied > 0 ? part.lastKlite : null;
                table.row(plan.topic(), part.source.partition(), from, to, part.copied, part.skipped,
                        plan.kliteTopic(), firstKlite, lastKlite);
                partitionsJson.add(CommonOptions.object("partition", part.source.partition(), "fromOffset", from,
                        "toOffset", to, "messages", part.copied, "tombstonesSkipped", part.skipped,
                        "firstKliteOffset", firstKlite, "lastKliteOffset", lastKlite));
            }
            total += plan.copied();
            topicsJson.add(CommonOptions.object("topic", plan.topic(), "kliteTopic", plan.kliteTopic(),
                    "messages", plan.copied(), "partitions", partitionsJson));
        }
        Map<String, Object> json = CommonOptions.object("brokers", brokers, "group", group, "messages", total,
                "seconds", KafkaClients.seconds(nanos), "messagesPerSecond", KafkaClients.rate(total, nanos),
                "topics", topicsJson);
        String line = String.format(Locale.ROOT, "Imported %d message(s) from Kafka at %s in %.1f s (%d msg/s)%s.%n",
                total, brokers, nanos / 1e9, KafkaClients.rate(total, nanos), group == null || total == 0 ? ""
                        : ", Kafka group '" + group + "' committed past them");
        common.print(json, table.render() + line);
    }
}
