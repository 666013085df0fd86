package io.klite.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The template's send (camel-kafka's producer, with the template's Kafka URI, given a batch of
 * {@link KafkaBoundMessage}s) makes the very records {@link KafkaRecords#toRecord} makes, which export sends: key,
 * value, partition, timestamp, and every header in its order, names that differ only in case and names camel-kafka
 * would filter (Camel*, kafka.*) included. The producer is kafka-clients' MockProducer, which records what it is
 * given after serialization; the same comparison against a broker is in {@code KliteToKafkaMirrorsAFullTopicKafkaTest}.
 */
class KliteToKafkaSendsWhatKafkaRecordsMakeTest {

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void eachMessageOfABatchBecomesItsOwnRecord() throws Exception {
        List<Message> messages = messages();

        List<ProducerRecord<String, byte[]>> sent = send(2, messages, Partitioning.SAME);

        assertThat(sent).hasSize(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            assertSame(sent.get(i), KafkaRecords.toRecord("mirror", 2, messages.get(i), Partitioning.SAME));
        }
        assertThat(sent.get(0).headers().toArray()).extracting(h -> h.key())
                .containsExactly("z", "Ab", "aB", "CamelKliteLike", "kafka.KEY", "kafka.PARTITION_KEY", "ü");
        assertThat(sent.get(0).partition()).isEqualTo(2);
    }

    @Test
    void partitioningByKeyLeavesEachRecordsPartitionToKafka() throws Exception {
        List<Message> messages = messages();

        List<ProducerRecord<String, byte[]>> sent = send(1, messages, Partitioning.KEY);

        for (int i = 0; i < messages.size(); i++) {
            assertSame(sent.get(i), KafkaRecords.toRecord("mirror", 1, messages.get(i), Partitioning.KEY));
        }
        assertThat(sent).allSatisfy(record -> assertThat(record.partition()).isNull());
    }

    private static List<Message> messages() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("z", "last letter first");
        headers.put("Ab", "1");
        headers.put("aB", "2");
        headers.put("CamelKliteLike", "from another program");
        headers.put("kafka.KEY", "not the key");
        headers.put("kafka.PARTITION_KEY", "not the partition");
        headers.put("ü", "größe €");
        List<Message> messages = new ArrayList<>();
        messages.add(new Message(7, new byte[] {0, (byte) 0xff, 10}, "key-7", "2026-11-30 12:34:56", headers));
        messages.add(new Message(8, "{\"id\":8}".getBytes(), null, "2026-11-30 12:34:57.123"));
        messages.add(new Message(9, new byte[0], "ключ", null, Map.of("only", "one")));
        messages.add(new Message(10, "old".getBytes(), "k", "1969-07-20 20:17:40"));
        return messages;
    }

    /** Sends one batch as the template does and returns what the producer was given. */
    private List<ProducerRecord<String, byte[]>> send(int partition, List<Message> messages,
                                                     Partitioning partitioning) throws Exception {
        context = new DefaultCamelContext();
        KafkaComponent kafka = new KafkaComponent();
        kafka.setKafkaClientFactory(new MockFactory(producer));
        context.addComponent("kafka", kafka);
        context.addRoutes(new KliteToKafkaRoutes());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:batch").to(KliteToKafkaRoutes.kafkaUri("mirror", "127.0.0.1:9"));
            }
        });
        context.start();
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(messages.stream()
                .map(message -> new KafkaBoundMessage(exchange, partition, message, partitioning)).toList());
        Exchange done = context.createProducerTemplate().send("direct:batch", exchange);
        assertThat(done.getException()).isNull();
        return producer.history();
    }

    private static void assertSame(ProducerRecord<String, byte[]> sent, ProducerRecord<String, byte[]> expected) {
        assertThat(sent.topic()).isEqualTo(expected.topic());
        assertThat(sent.partition()).isEqualTo(expected.partition());
        assertThat(sent.timestamp()).isEqualTo(expected.timestamp());
        assertThat(sent.key()).isEqualTo(expected.key());
        assertThat(sent.value()).isEqualTo(expected.value());
        assertThat(sent.headers().toArray()).containsExactly(expected.headers().toArray());
    }

    /** camel-kafka's client factory, giving the MockProducer. */
    private record MockFactory(Producer<String, byte[]> producer) implements KafkaClientFactory {

        @Override
        public Producer getProducer(Properties properties) {
            return producer;
        }

        @Override
        public Consumer getConsumer(Properties properties) {
            throw new UnsupportedOperationException("no consumer here");
        }

        @Override
        public String getBrokers(KafkaConfiguration configuration) {
            return configuration.getBrokers();
        }
    }
}
