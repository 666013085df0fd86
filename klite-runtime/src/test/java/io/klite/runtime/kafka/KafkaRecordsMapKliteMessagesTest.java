package io.klite.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The mapping between a Klite message and a Kafka record, both ways, without a broker. */
class KafkaRecordsMapKliteMessagesTest {

    private static final byte[] BINARY = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};

    @Test
    void aMessageBecomesARecordOfTheSamePartitionKeyValueTimeAndHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("z-first", "1");
        headers.put("a-second", "größe €");
        headers.put("CamelLike", "kept");
        headers.put("kafka.KEY", "kept too");
        Message message = new Message(41, BINARY, "clé-7", "2026-11-30 12:34:56", headers);

        ProducerRecord<String, byte[]> record = KafkaRecords.toRecord("orders-k", 2, message, Partitioning.SAME);

        assertThat(record.topic()).isEqualTo("orders-k");
        assertThat(record.partition()).isEqualTo(2);
        assertThat(record.key()).isEqualTo("clé-7");
        assertThat(record.value()).isEqualTo(BINARY);
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2026-11-30T12:34:56Z").toEpochMilli());
        assertThat(record.headers().toArray()).extracting(Header::key)
                .containsExactly("z-first", "a-second", "CamelLike", "kafka.KEY");
        assertThat(record.headers().lastHeader("a-second").value())
                .isEqualTo("größe €".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void partitioningByKeyLeavesThePartitionToKafka() {
        Message message = new Message(1, BINARY, "k", "2026-11-30 12:34:56");

        assertThat(KafkaRecords.toRecord("t", 2, message, Partitioning.KEY).partition()).isNull();
    }

    @Test
    void aMessageWithoutKeyHeadersOrTimeHasNoneInKafka() {
        ProducerRecord<String, byte[]> record = KafkaRecords.toRecord("t", 0, new Message(1, BINARY, null, null),
                Partitioning.SAME);

        assertThat(record.key()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.headers().toArray()).isEmpty();
    }

    @Test
    void millisecondsAreKeptAndTimesKafkaRefusesAreLeftToKafka() {
        assertThat(KafkaRecords.timestamp(new Message(1, BINARY, null, "2026-11-30 12:34:56.789")))
                .isEqualTo(Instant.parse("2026-11-30T12:34:56.789Z").toEpochMilli());
        // Kafka refuses a negative timestamp: the send time stands in, rather than a mirror stuck on the message
        assertThat(KafkaRecords.timestamp(new Message(1, BINARY, null, "1969-12-31 23:59:59"))).isNull();
        assertThat(KafkaRecords.timestamp(new Message(1, BINARY, null, "yesterday"))).isNull();
    }

    @Test
    void aRecordBecomesTheMessageItCameFrom() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("b", "zwei");
        headers.put("a", "éins");
        Message message = new Message(41, BINARY, "clé-7", "2026-11-30 12:34:56", headers);
        ProducerRecord<String, byte[]> sent = KafkaRecords.toRecord("t", 2, message, Partitioning.SAME);

        Message back = KafkaRecords.fromRecord(consumed(sent.key() == null ? null : utf8(sent.key()),
                sent.value(), sent.timestamp(), new RecordHeaders(sent.headers().toArray())));

        assertThat(back.key()).isEqualTo("clé-7");
        assertThat(back.payload()).isEqualTo(BINARY);
        assertThat(back.headers()).containsExactly(Map.entry("b", "zwei"), Map.entry("a", "éins"));
        assertThat(back.created()).isEqualTo("2026-11-30 12:34:56.000");
        assertThat(back.timestamp()).isEqualTo(message.timestamp());
        assertThat(back.offset()).isEqualTo(77);
    }

    @Test
    void aRepeatedHeaderKeepsItsLastValueInThePlaceOfItsFirst() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x", utf8("1"));
        headers.add("y", utf8("2"));
        headers.add("x", utf8("3"));

        Message back = KafkaRecords.fromRecord(consumed(null, BINARY, 0L, headers));

        assertThat(back.key()).isNull();
        assertThat(back.headers()).containsExactly(Map.entry("x", "3"), Map.entry("y", "2"));
    }

    @Test
    void whatIsNotTextIsRefusedNamingTheRecord() {
        assertThatThrownBy(() -> KafkaRecords.fromRecord(consumed(BINARY, BINARY, 0L, new RecordHeaders())))
                .isInstanceOf(InvalidKafkaRecordException.class)
                .hasMessage("Kafka record of topic 'in' partition 1 offset 77: its key (5 bytes) is not UTF-8 text;"
                            + " Klite keys and header values are text");
        RecordHeaders binary = new RecordHeaders(new Header[] {new RecordHeader("h", BINARY)});
        assertThatThrownBy(() -> KafkaRecords.fromRecord(consumed(null, BINARY, 0L, binary)))
                .hasMessageContaining("offset 77: header 'h' (5 bytes) is not UTF-8 text");
        RecordHeaders empty = new RecordHeaders(new Header[] {new RecordHeader("h", null)});
        assertThatThrownBy(() -> KafkaRecords.fromRecord(consumed(null, BINARY, 0L, empty)))
                .hasMessageContaining("offset 77: header 'h' has no value");
    }

    @Test
    void aTombstoneIsRefusedAsOne() {
        assertThatThrownBy(() -> KafkaRecords.fromRecord(consumed(utf8("k"), null, 0L, new RecordHeaders())))
                .isInstanceOfSatisfying(InvalidKafkaRecordException.class, e -> assertThat(e.isTombstone()).isTrue())
                .hasMessageStartingWith("Kafka record of topic 'in' partition 1 offset 77 has no value (a tombstone");
    }

    @Test
    void partitioningIsSameOrKey() {
        assertThat(Partitioning.of("same")).isEqualTo(Partitioning.SAME);
        assertThat(Partitioning.of("key")).isEqualTo(Partitioning.KEY);
        assertThatThrownBy(() -> Partitioning.of("SAME"))
                .hasMessageStartingWith("'SAME' is not a partitioning; allowed: same (");
    }

    private static ConsumerRecord<byte[], byte[]> consumed(byte[] key, byte[] value, Long timestamp,
                                                           RecordHeaders headers) {
        return new ConsumerRecord<>("in", 1, 77, timestamp == null ? -1 : timestamp, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers,
                Optional.empty());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
