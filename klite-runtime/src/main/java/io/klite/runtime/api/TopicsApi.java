package io.klite.runtime.api;

import static io.klite.runtime.api.ApiExchange.answer;
import static io.klite.runtime.api.ApiExchange.asApiException;
import static io.klite.runtime.api.ApiExchange.body;

import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.TopicConfig;
import io.klite.runtime.admin.TopicDeletion;
import io.klite.runtime.api.ApiExchange.Answer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What the API's routes do. Messages go through the {@code klite:} producer, so a message posted here lands on the
 * partition a route's {@code klite:} endpoint would pick for it (the {@code partition} query, else Kafka's
 * partitioner on the {@code key} query, else round-robin). Reads and topic settings use the component's shared log of
 * the database file. Invariant: a request is answered with JSON, and a refused request has written nothing.
 */
final class TopicsApi extends ServiceSupport implements CamelContextAware {

    /** The response header of a produce that a first request with its {@code Idempotency-Key} answered. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    /** How long an {@code Idempotency-Key} is remembered, in milliseconds. */
    private final long idempotencyWindowMillis;
    private CamelContext camelContext;
    private KliteLog log;
    private KliteComponent component;
    private ProducerTemplate producer;

    /** @param idempotencyWindow how long an {@code Idempotency-Key} is remembered */
    TopicsApi(Duration idempotencyWindow) {
        this.idempotencyWindowMillis = idempotencyWindow.toMillis();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() {
        component = camelContext.getComponent("klite", KliteComponent.class);
        log = component.acquireLog(component.getConfiguration().getDatabase());
        producer = camelContext.createProducerTemplate();
    }

    @Override
    protected void doStop() throws Exception {
        if (producer != null) {
            producer.stop();
        }
        if (log != null) {
            component.releaseLog(log);
            log = null;
        }
    }

    /** Every topic with its partitions' start and end offsets and its retention. */
    void listTopics(Exchange exchange) {
        answer(exchange, () -> new Answer(200, TopicJson.list(log)));
    }

    /** The topic's partitions with their start and end offsets. */
    void describeTopic(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            return new Answer(200, TopicJson.answer(log, topic, partitionCount(topic)));
        });
    }

    /**
     * Creates the topic with the body's partition count: 201 where created, 200 where it exists with that count
     * (a PUT is safe to repeat), 409 with the count it has where that is another.
     */
    void createTopic(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            int partitions = TopicJson.partitions(topic, JsonBody.read(exchange,
                    "send the topic's partition count, such as " + TopicJson.EXAMPLE));
            int existing = log.partitionCount(topic);
            int status = 200;
            if (existing == 0) {
                // another request, or process, may create it first, and with another count
                existing = log.createTopicIfAbsent(topic, partitions);
                status = 201;
            }
            if (existing != partitions) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("error", "Topic '" + topic + "' exists with " + existing + " partition(s), not " + partitions
                        + "; a PUT does not change a topic's partition count");
                json.put("partitions", existing);
                return new Answer(409, json);
            }
            return new Answer(status, TopicJson.answer(log, topic, existing));
        });
    }

    /**
     * Deletes the topic, its messages and every group's offsets on it, where {@code ?confirm=} names it and no live
     * member consumes it.
     */
    void deleteTopic(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            String confirm = QueryParameters.of(exchange, List.of("confirm"), "a DELETE takes confirm").get("confirm");
            String unconfirmed = TopicDeletion.unconfirmed(topic, confirm, "?confirm=");
            if (unconfirmed != null) {
                throw new ApiException(400, unconfirmed);
            }
            // refused with a GroupNotEmptyException (409) while live members consume the topic, naming them
            int partitions = log.deleteTopic(topic);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", topic);
            json.put("partitions", partitions);
            return new Answer(200, json);
        });
    }

    void topicConfig(Exchange exchange) {
        answer(exchange, () -> {
            String topic = existingTopic(exchange);
            return new Answer(200, TopicConfigJson.answer(topic, log.topicConfig(topic)));
        });
    }

    /** Replaces the topic's settings with the body's, checked whole before anything is written. */
    void configureTopic(Exchange exchange) {
        answer(exchange, () -> {
            String topic = existingTopic(exchange);
            TopicConfig config = TopicConfigJson.read(topic, JsonBody.read(exchange, "send the topic's settings,"
                    + " such as " + TopicConfigJson.EXAMPLE));
            log.configureTopic(topic, config);
            return new Answer(200, TopicConfigJson.answer(topic, config));
        });
    }

    void produce(Exchange exchange) {
        answer(exchange, () -> {
            ProduceRequest request = ProduceRequest.of(exchange);
            Exchange sent = send(request, body(exchange, "the body is the message"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", request.topic());
            json.put("partition", sent.getMessage().getHeader(KliteConstants.PARTITION));
            json.put("offset", sent.getMessage().getHeader(KliteConstants.OFFSET));
            return created(sent, json);
        });
    }

    void produceBatch(Exchange exchange) {
        answer(exchange, () -> {
            ProduceRequest request = ProduceRequest.of(exchange);
            List<byte[]> messages = JsonBatch.messages(JsonBody.read(exchange, JsonBatch.WHAT_TO_SEND));
            Exchange sent = send(request, messages);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", request.topic());
            json.put("partition", sent.getMessage().getHeader(KliteConstants.PARTITION));
            json.put("firstOffset", sent.getMessage().getHeader(KliteConstants.FIRST_OFFSET));
            json.put("count", messages.size());
            return created(sent, json);
        });
    }

    // ---------------------------------------------------------------- requests

    /**
     * The answer to a produce: 201, with {@code Idempotent-Replayed: true} where an {@code Idempotency-Key}'s first
     * request wrote the messages and this one wrote nothing.
     */
    private static Answer created(Exchange sent, Map<String, Object> json) {
        if (Boolean.TRUE.equals(sent.getMessage().getHeader(KliteConstants.IDEMPOTENT_REPLAYED))) {
            return new Answer(201, json, Map.of(IDEMPOTENT_REPLAYED, "true"));
        }
        return new Answer(201, json);
    }

    /**
     * Sends through the {@code klite:} producer, which checks the partition before it creates a topic: a refused
     * request writes nothing. With an {@code Idempotency-Key}, the producer writes the messages and the key in one
     * transaction, or answers where the key's first request wrote them.
     */
    private Exchange send(ProduceRequest request, Object body) {
        String uri = "klite:" + request.topic() + "?idempotencyWindow=" + idempotencyWindowMillis;
        Exchange sent = producer.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            if (request.idempotencyKey() != null) {
                exchange.getIn().setHeader(KliteConstants.IDEMPOTENCY_KEY, request.idempotencyKey());
            }
            if (request.partition() != null) {
                exchange.getIn().setHeader(KliteConstants.OVERRIDE_PARTITION, request.partition());
            }
            if (request.key() != null) {
                exchange.getIn().setHeader(KliteConstants.KEY, request.key());
            }
        });
        if (sent.getException() != null) {
            throw asApiException(sent.getException());
        }
        return sent;
    }

    /** The topic of a {@code /topics/{topic}/...} request, which must exist. */
    private String existingTopic(Exchange exchange) {
        String topic = ProduceRequest.topic(exchange);
        partitionCount(topic);
        return topic;
    }

    /** The partition count of a topic that must exist. */
    private int partitionCount(String topic) {
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new ApiException(404, "Topic '" + topic + "' does not exist");
        }
        return count;
    }

    /** The log the API reads and administers: the component's shared log of the database file. */
    KliteLog log() {
        return log;
    }

}
