package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.InvalidOffsetException;
import io.klite.log.InvalidPartitionException;
import io.klite.log.InvalidTopicException;
import io.klite.log.KliteException;
import io.klite.log.KliteLog;
import io.klite.log.KliteStorageException;
import io.klite.log.TopicConfig;
import io.klite.log.TopicPartition;
import io.klite.log.UnknownTopicException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API's routes do. Messages go through the {@code klite:} producer, so a message posted here lands on the
 * partition a route's {@code klite:} endpoint would pick for it (the {@code partition} query, else Kafka's
 * partitioner on the {@code key} query, else round-robin). Reads and topic settings use the component's shared log of
 * the database file. Invariant: a request is answered with JSON, and a refused request has written nothing.
 */
final class TopicsApi extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(TopicsApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CamelContext camelContext;
    private KliteLog log;
    private KliteComponent component;
    private ProducerTemplate producer;

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

    void listTopics(Exchange exchange) {
        answer(exchange, () -> {
            return new Answer(200, log.topics());
        });
    }

    void describeTopic(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            return log.topics().stream().filter(t -> t.topic().equals(topic)).findFirst()
                    .map(t -> new Answer(200, t))
                    .orElseThrow(() -> new ApiException(404, "Topic '" + topic + "' does not exist"));
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

    /** Committed offsets and lag per group and partition, with the group's live members and who holds what. */
    void listGroups(Exchange exchange) {
        answer(exchange, () -> new Answer(200, GroupsJson.answer(log.groups(), log.liveMembers(), log.topics())));
    }

    void produce(Exchange exchange) {
        answer(exchange, () -> {
            ProduceRequest request = ProduceRequest.of(exchange);
            Exchange sent = send(request, body(exchange, "the body is the message"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", request.topic());
            json.put("partition", sent.getMessage().getHeader(KliteConstants.PARTITION));
            json.put("offset", sent.getMessage().getHeader(KliteConstants.OFFSET));
            return new Answer(201, json);
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
            return new Answer(201, json);
        });
    }

    // ---------------------------------------------------------------- requests

    /**
     * Sends through the {@code klite:} producer, which checks the partition before it creates a topic: a refused
     * request writes nothing.
     */
    private Exchange send(ProduceRequest request, Object body) {
        Exchange sent = producer.send("klite:" + request.topic(), exchange -> {
            exchange.getIn().setBody(body);
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
        if (log.partitionCount(topic) == 0) {
            throw new ApiException(404, "Topic '" + topic + "' does not exist");
        }
        return topic;
    }

    /**
     * The body of a request that takes any type, a message: the bytes as sent, but not a form, which the HTTP server
     * has read into fields.
     *
     * @param whatToSend the end of the error for an empty body, such as "the body is the message"
     */
    private static byte[] body(Exchange exchange, String whatToSend) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            // the HTTP server reads a form into fields, and the body is gone
            throw new ApiException(400, "The body was sent as a form (Content-Type: " + contentType.split(";")[0]
                    + "; application/x-www-form-urlencoded is curl -d's default); send the body with its own type,"
                    + " such as -H 'Content-Type: application/json'");
        }
        return JsonBody.nonEmpty(body, whatToSend);
    }

    // ---------------------------------------------------------------- answers

    private record Answer(int status, Object json) {
    }

    /** Answers the request with what {@code handler} returns, or with the error it throws. */
    private static void answer(Exchange exchange, Supplier<Answer> handler) {
        Answer answer;
        try {
            answer = handler.get();
        } catch (RuntimeException e) {
            ApiException refused = asApiException(e);
            answer = new Answer(refused.status, Map.of("error", refused.getMessage()));
        }
        org.apache.camel.Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(JSON.writeValueAsBytes(answer.json()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the answer as JSON", e);
        }
    }

    private static ApiException asApiException(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ApiException) && !(cause instanceof KliteException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof UnknownTopicException) {
            return new ApiException(404, cause.getMessage());
        }
        if (cause instanceof InvalidTopicException || cause instanceof InvalidPartitionException
            || cause instanceof InvalidOffsetException) {
            return new ApiException(400, cause.getMessage());
        }
        if (cause instanceof KliteStorageException) {
            LOG.warn("API request failed: {}", cause.getMessage());
            return new ApiException(503, "Klite cannot use its database now: " + cause.getMessage());
        }
        LOG.warn("API request failed", e);
        return new ApiException(500, "Klite could not answer: " + cause.getMessage());
    }
}
