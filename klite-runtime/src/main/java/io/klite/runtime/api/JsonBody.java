package io.klite.runtime.api;

import java.util.Locale;
import org.apache.camel.Exchange;

/**
 * The body of a request that takes JSON only ({@code POST /topics/{topic}/batch}, {@code PUT /topics/{topic}},
 * {@code PUT /topics/{topic}/config}, {@code POST /groups/{group}/reset}). Invariant: a body sent with a
 * {@code Content-Type} that is not JSON is refused with 415 before it is read, naming the type sent and the one
 * wanted; JSON is {@code application/json} or a {@code +json} type ({@code application/merge-patch+json}), with any
 * parameters ({@code ; charset=utf-8}); a request without a {@code Content-Type} is taken as JSON. An empty body is
 * refused with 400.
 */
final class JsonBody {

    private JsonBody() {
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
                    + " a JSON body; send it with Content-Type: application/json");
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
