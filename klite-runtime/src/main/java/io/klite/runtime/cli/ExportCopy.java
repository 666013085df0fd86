package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Message;
import io.klite.runtime.KliteMain;
import io.klite.runtime.kafka.KafkaRecords;
import io.klite.runtime.kafka.Partitioning;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * The copy of {@code export --to-kafka}: a topic's partitions read batch by batch in turn and sent, up to
 * {@link #MAX_IN_FLIGHT} batches waiting for Kafka at once, each batch completed in the order sent. Invariants: a
 * partition counts as copied (and the group, where there is one, is committed) only up to a batch that Kafka
 * acknowledged whole, every batch before it on the partition acknowledged too; after the first failure nothing more is
 * sent, the batches already sent are still waited for (each within the delivery timeout) and counted where
 * acknowledged, and the failed partition is neither counted nor committed further.
 */
final class ExportCopy {

    /** Batches sent and not yet acknowledged, over the partitions of a topic: Kafka works on several at once. */
    static final int MAX_IN_FLIGHT = 8;

    /** A partition's copy: what to copy, and how far Kafka acknowledged it. */
    static final class Part {
        final int partition;
        /** The first offset to copy and the last one (the end as read at the start). */
        final long from;
        final long end;
        long next;
        long copied;
        /** The last offset Kafka acknowledged, every one before it too; 0 for none. */
        long acknowledged;
        Long committed;
        boolean failed;
        /**
         * Where the partition failed: the last offset Kafka acknowledged in the failed batch or a batch sent after it
         * (before the failure was known), around a record it refused; 0 for none. Kafka holds it, neither counted nor
         * committed.
         */
        long acknowledgedPast;

        Part(int partition, long from, long end) {
            this.partition = partition;
            this.from = from;
            this.end = end;
            this.next = from;
        }

        long total() {
            return Math.max(0, end - from + 1);
        }
    }

    /** A topic's copy. */
    record Plan(String topic, String kafkaTopic, int partitions, List<Part> parts) {
        long total() {
            return parts.stream().mapToLong(Part::total).sum();
        }

        long copied() {
            return parts.stream().mapToLong(part -> part.copied).sum();
        }
    }

    /**
     * Messages of one partition sent as one batch, and Kafka's answers, one for each offset of {@code offsets} in
     * turn; {@code failedAtOnce}: a send failed before anything went to Kafka, and the batch's later messages were not
     * sent.
     */
    private record Batch(Part part, long first, long last, List<Long> offsets, List<Future<RecordMetadata>> sends,
                         long sentAt, boolean failedAtOnce) {
    }

    private final KliteLog log;
    private final Producer<String, byte[]> producer;
    private final String brokers;
    private final Partitioning partitioning;
    private final int batchSize;
    private final String group;
    private final Progress progress;
    private String failure;

    /**
     * @param group the Klite group to commit as Kafka acknowledges, or null
     */
    ExportCopy(KliteLog log, Producer<String, byte[]> producer, String brokers, Partitioning partitioning,
            int batchSize, String group, Progress progress) {
        this.log = log;
        this.producer = producer;
        this.brokers = brokers;
        this.partitioning = partitioning;
        this.batchSize = batchSize;
        this.group = group;
        this.progress = progress;
    }

    /** The first failure, saying which batch and why; null while none. */
    String failure() {
        return failure;
    }

    /**
     * Copies a topic, batch by batch over its partitions in turn, up to {@link #MAX_IN_FLIGHT} batches waiting for
     * Kafka at once; stops sending at the first failure (see {@link #failure()}).
     */
    void copy(Plan plan) {
        progress.start("export " + plan.topic() + " -> Kafka " + plan.kafkaTopic(), plan.total());
        Deque<Batch> inFlight = new ArrayDeque<>();
        List<Part> active = plan.parts().stream().filter(part -> part.total() > 0)
                .collect(Collectors.toCollection(ArrayList::new));
        boolean sending = true;
        while (!active.isEmpty() && sending && failure == null) {
            for (Iterator<Part> parts = active.iterator(); parts.hasNext() && sending && failure == null; ) {
                Part part = parts.next();
                List<Message> messages = read(plan.topic(), part);
                if (messages.isEmpty()) {
                    parts.remove();
                    continue;
                }
                Batch batch = send(plan, part, messages);
                inFlight.add(batch);
                // the next send would fail the same way, after as long a wait: the failure is the batch's
                sending = !batch.failedAtOnce();
                part.next = messages.get(messages.size() - 1).offset() + 1;
                if (part.next > part.end) {
                    parts.remove();
                }
                while (inFlight.size() > MAX_IN_FLIGHT) {
                    complete(plan, inFlight.poll());
                }
            }
        }
        while (!inFlight.isEmpty()) {
            complete(plan, inFlight.poll());
        }
        if (failure == null) {
            progress.finish();
        } else {
            progress.interrupt();
        }
    }

    /** The partition's next batch, up to the end offset read at the start. */
    private List<Message> read(String topic, Part part) {
        List<Message> messages = log.read(topic, part.partition, part.next - 1, batchSize,
                Limits.DEFAULT_MAX_BATCH_BYTES);
        int within = messages.size();
        while (within > 0 && messages.get(within - 1).offset() > part.end) {
            within--;
        }
        return messages.subList(0, within);
    }

    /**
     * Hands the batch's messages to the producer, stopping at a send that failed at once: the producer answers so
     * where it waited {@code max.block.ms} in vain (no metadata for the topic: deleted after the check, or the brokers
     * gone before the producer learnt it; a buffer that stayed full), and each later send would wait as long again.
     */
    private Batch send(Plan plan, Part part, List<Message> messages) {
        List<Long> offsets = new ArrayList<>(messages.size());
        List<Future<RecordMetadata>> sends = new ArrayList<>(messages.size());
        boolean failedAtOnce = false;
        for (Message message : messages) {
            offsets.add(message.offset());
            try {
                sends.add(producer.send(KafkaRecords.toRecord(plan.kafkaTopic(), part.partition, message,
                        partitioning)));
            } catch (KafkaException | IllegalArgumentException e) {
                // a send that throws (the producer closed or fenced): the batch fails as a whole
                sends.add(CompletableFuture.failedFuture(e));
            }
            if (failedAtOnce(sends.get(sends.size() - 1))) {
                failedAtOnce = true;
                break;
            }
        }
        return new Batch(part, messages.get(0).offset(), messages.get(messages.size() - 1).offset(), offsets, sends,
                System.nanoTime(), failedAtOnce);
    }

    /** Whether the producer answered the send with a failure already: it sent nothing. */
    private static boolean failedAtOnce(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return false;
        }
        try {
            sent.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Waits for Kafka's answer to every send of the batch (each fails within the delivery timeout, and the wait is
     * bounded too); where all were acknowledged and every batch before on the partition was, counts them and commits
     * the group; else records the failure, and the partition is neither counted nor committed further.
     */
    private void complete(Plan plan, Batch batch) {
        Part part = batch.part();
        String error = null;
        long lastAcknowledged = 0;
        long wait = KafkaClients.DELIVERY_TIMEOUT.plus(KafkaClients.REQUEST_TIMEOUT).toNanos();
        for (int i = 0; i < batch.sends().size(); i++) {
            // past a failed send, the later ones are still asked (within the same deadline): Kafka may have taken them
            try {
                batch.sends().get(i).get(Math.max(0, batch.sentAt() + wait - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                lastAcknowledged = batch.offsets().get(i);
            } catch (ExecutionException e) {
                error = error != null ? error : e.getCause().getClass().getSimpleName() + ": "
                        + KliteMain.describe(e.getCause()).replaceAll("\\.$", "");
            } catch (TimeoutException e) {
                error = error != null ? error : "no acknowledgement from Kafka within "
                        + TimeUnit.NANOSECONDS.toSeconds(wait) + " s";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted while waiting for Kafka's acknowledgement";
                break;
            }
        }
        if (error != null || part.failed) {
            part.acknowledgedPast = Math.max(part.acknowledgedPast, lastAcknowledged);
        }
        if (part.failed) {
            return;
        }
        if (error != null) {
            part.failed = true;
            if (failure == null) {
                failure = "Cannot export topic '" + plan.topic() + "' partition " + part.partition + " offsets "
                          + batch.first() + ".." + batch.last() + " to Kafka topic '" + plan.kafkaTopic() + "' at '"
                          + brokers + "': " + error;
            }
            return;
        }
        part.copied += batch.sends().size();
        part.acknowledged = batch.last();
        if (group != null) {
            log.commit(group, plan.topic(), part.partition, batch.last());
            part.committed = batch.last();
        }
        progress.advance(batch.sends().size());
    }

    /** After a failure: what Kafka acknowledged (and the group committed), per partition. */
    String howFar(List<Plan> plans) {
        List<String> parts = new ArrayList<>();
        for (Plan plan : plans) {
            for (Part part : plan.parts()) {
                if (part.total() > 0) {
                    parts.add(plan.topic() + " partition " + part.partition + ": " + (part.copied == 0 ? "none"
                            : part.from + ".." + part.acknowledged) + " of " + part.from + ".." + part.end
                            + (part.acknowledgedPast == 0 ? "" : " (Kafka also took records up to "
                            + part.acknowledgedPast + ", sent before the failure was known)"));
                }
            }
        }
        return "acknowledged by Kafka before the failure" + (group == null ? "" : " and committed for group '" + group
                + "'") + ": " + String.join(", ", parts) + "; nothing past that was " + (group == null
                ? "counted" : "committed: run again to carry on from there (what Kafka took past that, acknowledged or"
                + " not, is then there twice)");
    }
}
