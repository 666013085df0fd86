package io.klite.runtime.kafka;

import io.klite.log.Message;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * One Klite message as camel-kafka's producer takes it inside a batch (a body of Camel messages, with
 * {@code useIterator=true} and {@code batchWithIndividualHeaders=true}): it becomes the record
 * {@link KafkaRecords#toRecord} makes. Invariants: the body is the payload bytes; the headers map holds the Klite
 * headers and nothing else, in their stored order, names case-sensitive (Camel's usual map sorts them and ignores
 * case), values as UTF-8 bytes (camel-kafka would encode a String in the platform's charset); the record's key,
 * partition and timestamp answer the control headers {@code kafka.KEY}, {@code kafka.PARTITION_KEY} and
 * {@code kafka.OVERRIDE_TIMESTAMP} without being in that map, so that a Klite header of any name, {@code kafka.KEY}
 * included, goes out as a Kafka header and none is added.
 */
final class KafkaBoundMessage extends DefaultMessage {

    private final String key;
    private final Integer partition;
    private Long timestamp;

    KafkaBoundMessage(Exchange exchange, int partition, Message message, Partitioning partitioning) {
        super(exchange);
        this.key = message.key();
        this.partition = KafkaRecords.kafkaPartition(partition, partitioning);
        this.timestamp = KafkaRecords.timestamp(message);
        Map<String, Object> headers = getHeaders();
        message.headers().forEach((name, value) -> headers.put(name, KafkaRecords.utf8(value)));
        setBody(message.payload());
    }

    /** The Klite headers' map: insertion order, exact names. */
    @Override
    protected Map<String, Object> createHeaders() {
        return new LinkedHashMap<>();
    }

    @Override
    public Object getHeader(String name) {
        return isControl(name) ? control(name) : super.getHeader(name);
    }

    @Override
    public <T> T getHeader(String name, Class<T> type) {
        if (!isControl(name)) {
            return super.getHeader(name, type);
        }
        Object value = control(name);
        return value == null ? null : getExchange().getContext().getTypeConverter().convertTo(type, value);
    }

    /** camel-kafka takes the timestamp out as it reads it, as it does with its own header. */
    @Override
    public Object removeHeader(String name) {
        if (!isControl(name)) {
            return super.removeHeader(name);
        }
        Object value = control(name);
        if (KafkaConstants.OVERRIDE_TIMESTAMP.equals(name)) {
            timestamp = null;
        }
        return value;
    }

    private static boolean isControl(String name) {
        return KafkaConstants.KEY.equals(name) || KafkaConstants.PARTITION_KEY.equals(name)
                || KafkaConstants.OVERRIDE_TIMESTAMP.equals(name) || KafkaConstants.OVERRIDE_TOPIC.equals(name);
    }

    /** The control header's value: the key, the partition, the timestamp, or no other topic. */
    private Object control(String name) {
        return switch (name) {
            case KafkaConstants.KEY -> key;
            case KafkaConstants.PARTITION_KEY -> partition;
            case KafkaConstants.OVERRIDE_TIMESTAMP -> timestamp;
            default -> null;
        };
    }
}
