package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;

/**
 * The body of a request that takes JSON only ({@code POST /topics/{topic}/batch}, {@code PUT /topics/{topic}},
 * {@code PUT /topics/{topic}/config}, {@code POST /groups/{group}/reset},
 * {@code POST /topics/{topic}/dead-letters/redrive}). Invariant: a body sent with a
 * {@code Content-Type} that is not JSON is refused with 415 before it is read, naming the type sent and the one
 * wanted; JSON is {@code application/json} or a {@code +json} type ({@code application/merge-patch+json}), with any
 * parameters ({@code ; charset=utf-8}); a request without a {@code Content-Type} is taken as JSON. An empty body is
 * refused with 400.
 */
final class JsonBody {

    /** Strict: a key twice in an object, or anything after the value, is refused. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {
    }

    /**
     * A body that must be one JSON object with only the fields allowed: the request bodies of topics, settings and
     * resets.
     *
     * @param what    what the body is, for the errors, such as "the reset"
     * @param example an example body, for the errors
     * @throws ApiException 400 where the body is not JSON, not an object, or has a field not allowed, naming it
     */
    static JsonNode object(byte[] body, List<String> fields, String what, String example) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "The body is not valid JSON: " + e.getOriginalMessage() + where(e)
                    + "; send " + what + ", such as " + example);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read a request body held in memory", e);
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "The body must be a JSON object such as " + example + ", not "
                    + describe(root));
        }
        onlyFields(root, "", fields, example);
        return root;
    }

    /**
     * Refuses a field of {@code object} that is not allowed, naming it, its value and those allowed.
     *
     * @param path where the object is in the body, such as {@code "retention."}; empty for the body itself
     */
    static void onlyFields(JsonNode object, String path, List<String> allowed, String example) {
        object.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new ApiException(400, "Unknown field " + path + name + " (value " + describe(object.get(name))
                        + "); allowed" + (path.isEmpty() ? "" : " in " + path.substring(0, path.length() - 1))
                        + ": " + String.join(", ", allowed) + ", such as " + example);
            }
        });
    }

    /** A JSON value as an error names it: its text, cut after 60 characters; {@code nothing} where absent. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /**
     * Where in the body Jackson stopped, such as {@code " (at byte 12)"}; empty where it does not say (a limit such as
     * the nesting depth has no location).
     */
    static String where(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getByteOffset() < 0 ? ""
                : " (at byte " + e.getLocation().getByteOffset() + ")";
    }

    /**
     * The request's body, which must be JSON.
     *
     * @param whatToSend the end of the error for an empty body, such as "send a JSON array, one element per message"
     * @throws ApiException 415 where the body's {@code Content-Type} is not JSON, 400 where the body is empty
     */
    static byte[] read(Exchange exchange, String whatToSend) {
        requireJson(exchange);
        return nonEmpty(exchange.getIn().getBody(byte[].class), whatToSend);
    }

    /**
     * Refuses a request whose {@code Content-Type} is given and is not JSON.
     *
     * @throws ApiException 415, naming the type sent and the one wanted
     */
    static void requireJson(Exchange exchange) {
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw new ApiException(415, "Content-Type " + contentType.strip() + " is not JSON, and this request takes"
                    + " a JSON body; send it with Content-Type: application/json"
                    + (contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                    ? " (curl -d alone sends application/x-www-form-urlencoded: add -H 'Content-Type: application/json')"
                    : ""));
        }
    }

    /**
     * Whether a {@code Content-Type} is JSON: none (or blank), {@code application/json} or a {@code +json} type, in
     * any case, with any parameters.
     */
    static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.indexOf('/') > 0 && mediaType.endsWith("+json");
    }

    /**
     * A body that must not be empty.
     *
     * @param whatToSend the end of the error, such as "the body is the message"
     * @throws ApiException 400 where the body is empty
     */
    static byte[] nonEmpty(byte[] body, String whatToSend) {
        if (body == null || body.length == 0) {
            throw new ApiException(400, "The request body is empty; " + whatToSend);
        }
        return body;
    }
}
