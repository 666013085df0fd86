package io.klite.runtime.kafka;

import io.klite.log.Message;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The one mapping between a Klite message and a Kafka record, for the {@code klite-to-kafka} template,
 * {@code export --to-kafka} and, reversed, {@code import --from-kafka}. Invariant: a Klite message always becomes
 * the same record, whichever of them sends it, with nothing added and nothing left out:
 * <ul>
 *   <li>key: the Klite key as UTF-8 (Kafka's {@code StringSerializer}); no key stays none;</li>
 *   <li>value: the payload bytes as stored ({@code ByteArraySerializer});</li>
 *   <li>partition: with {@link Partitioning#SAME} the Klite partition number; with {@link Partitioning#KEY} none, so
 *       Kafka's default partitioner places it;</li>
 *   <li>timestamp: the message's {@code created} (UTC, {@code yyyy-MM-dd HH:mm:ss[.SSS]}) in epoch milliseconds, so
 *       that Kafka's time lookups find the same messages; none where {@code created} is missing, unreadable or
 *       before 1970 (Kafka then stamps the time of sending);</li>
 *   <li>headers: every Klite header, its value as UTF-8, in the order stored.</li>
 * </ul>
 * Klite's {@code created} holds whole seconds where SQLite wrote it, so Kafka gets {@code .000} milliseconds.
 */
public final class KafkaRecords {

    /** How {@link #fromRecord} writes a Kafka timestamp as a Klite {@code created}: UTC, to the millisecond. */
    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private KafkaRecords() {
    }

    /**
     * The Kafka record of a Klite message, for a producer with a {@code StringSerializer} for keys and a
     * {@code ByteArraySerializer} for values.
     *
     * @param partition the message's Klite partition
     */
    public static ProducerRecord<String, byte[]> toRecord(String kafkaTopic, int partition, Message message,
                                                         Partitioning partitioning) {
        return new ProducerRecord<>(kafkaTopic, kafkaPartition(partition, partitioning), timestamp(message),
                message.key(), message.payload(), headers(message));
    }

    /** The Kafka partition a message of Klite partition {@code partition} is sent to; null: Kafka's partitioner. */
    static Integer kafkaPartition(int partition, Partitioning partitioning) {
        return partitioning == Partitioning.SAME ? partition : null;
    }

    /**
     * A message's {@code created} in epoch milliseconds; null where it has none, it is not in SQLite's format, or it
     * is before 1970 (Kafka refuses a negative timestamp).
     */
    public static Long timestamp(Message message) {
        Instant created = message.timestamp();
        if (created == null) {
            return null;
        }
        long millis = created.toEpochMilli();
        return millis < 0 ? null : millis;
    }

    /** The message's headers as Kafka record headers: values in UTF-8, in the order stored. */
    static List<Header> headers(Message message) {
        List<Header> headers = new ArrayList<>(message.headers().size());
        message.headers().forEach((name, value) -> headers.add(new RecordHeader(name, utf8(value))));
        return headers;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Klite message a Kafka record becomes, for an import: key and header values decoded as UTF-8, the value as
     * the payload; a header name that repeats keeps its last value (Klite headers are a map), in the place of its
     * first. The result's {@code offset} is the record's Kafka offset and its {@code created} the record's timestamp as
     * {@code yyyy-MM-dd HH:mm:ss.SSS} UTC (null where the record has none), for the caller to use or not.
     *
     * @throws InvalidKafkaRecordException naming topic, partition and offset, where the key or a header value is not
     *                                     UTF-8 text, a header has no value, or the record has no value (a tombstone,
     *                                     {@link InvalidKafkaRecordException#isTombstone()})
     */
    public static Message fromRecord(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new InvalidKafkaRecordException(where(record) + " has no value (a tombstone, which deletes its key"
                    + " in a compacted topic); a Klite message always has a payload", true);
        }
        String key = record.key() == null ? null : text(record.key(), record, "its key");
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (header.value() == null) {
                throw new InvalidKafkaRecordException(where(record) + ": header '" + header.key() + "' has no value;"
                        + " Klite headers are names with text values", false);
            }
            headers.put(header.key(), text(header.value(), record, "header '" + header.key() + "'"));
        }
        String created = record.timestamp() < 0 ? null : CREATED.format(Instant.ofEpochMilli(record.timestamp()));
        return new Message(record.offset(), record.value(), key, created, headers);
    }

    /** Bytes as UTF-8 text, refusing what is not valid UTF-8 rather than replacing it. */
    private static String text(byte[] bytes, ConsumerRecord<?, ?> record, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidKafkaRecordException(where(record) + ": " + what + " (" + bytes.length + " bytes) is not"
                    + " UTF-8 text; Klite keys and header values are text", false);
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return "Kafka record of topic '" + record.topic() + "' partition " + record.partition() + " offset "
                + record.offset();
    }
}
