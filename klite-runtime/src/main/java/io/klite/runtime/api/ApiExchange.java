package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.GroupNotEmptyException;
import io.klite.log.IdempotencyKeyReusedException;
import io.klite.log.InvalidOffsetException;
import io.klite.log.InvalidPartitionException;
import io.klite.log.InvalidTopicException;
import io.klite.log.KliteException;
import io.klite.log.KliteStorageException;
import io.klite.log.UnknownTopicException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every handler of the API ({@link TopicsApi}, {@link GroupsApi}) does with its exchange: reads the request's
 * body, and answers with JSON, turning the error of a refused request into its status and {@code {"error": "..."}}.
 * Invariant: every answer is JSON; a handler checks a request whole before it writes, so a refused one wrote nothing.
 */
final class ApiExchange {

    private static final Logger LOG = LoggerFactory.getLogger(ApiExchange.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiExchange() {
    }

    /** A handler's answer: the status, what goes into the body as JSON, and headers of its own. */
    record Answer(int status, Object json, Map<String, String> headers) {

        Answer(int status, Object json) {
            this(status, json, Map.of());
        }
    }

    /** Answers the request with what {@code handler} returns, or with the error it throws. */
    static void answer(Exchange exchange, Supplier<Answer> handler) {
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
        answer.headers().forEach(message::setHeader);
        try {
            message.setBody(JSON.writeValueAsBytes(answer.json()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the answer as JSON", e);
        }
    }

    /**
     * The status and message a failure answers with: the log's refusals of bad input 400, of an unknown topic 404, of
     * a group with live members 409, of an idempotency key reused for another request 422; a database that cannot be
     * used now 503; anything else 500, logged at WARN.
     */
    static ApiException asApiException(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ApiException) && !(cause instanceof KliteException)
               && !(cause instanceof GroupNotEmptyException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof IdempotencyKeyReusedException) {
            return new ApiException(422, cause.getMessage().replace("Idempotency key", ProduceRequest.IDEMPOTENCY_KEY));
        }
        if (cause instanceof UnknownTopicException) {
            return new ApiException(404, cause.getMessage());
        }
        if (cause instanceof InvalidTopicException || cause instanceof InvalidPartitionException
            || cause instanceof InvalidOffsetException) {
            return new ApiException(400, cause.getMessage());
        }
        if (cause instanceof GroupNotEmptyException) {
            return new ApiException(409, cause.getMessage());
        }
        if (cause instanceof KliteStorageException) {
            LOG.warn("API request failed: {}", cause.getMessage());
            return new ApiException(503, "Klite cannot use its database now: " + cause.getMessage());
        }
        LOG.warn("API request failed", e);
        return new ApiException(500, "Klite could not answer: " + cause.getMessage());
    }

    /**
     * The body of a request that takes any type, a message: the bytes as sent, but not a form, which the HTTP server
     * has read into fields. A request that takes JSON only reads its body with {@link JsonBody#read}.
     *
     * @param whatToSend the end of the error for an empty body, such as "the body is the message"
     */
    static byte[] body(Exchange exchange, String whatToSend) {
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

    /**
     * Segment {@code index} of the request's path, decoded ({@code /topics/{topic}}: the topic is segment 2); empty
     * where the path is shorter. A {@code +} in a path is itself, not a space as in a query string.
     */
    static String pathSegment(Exchange exchange, int index) {
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        String[] segments = path == null ? new String[0] : path.split("/");
        return segments.length > index
                ? URLDecoder.decode(segments[index].replace("+", "%2B"), StandardCharsets.UTF_8) : "";
    }
}
