package io.klite.runtime.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * A request's query parameters, read from the request line only, never from request headers (which Camel puts beside
 * query parameters). Invariant: each is one of the names the request takes, given at most once; anything else is
 * refused, so a typo never passes unnoticed.
 */
final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * The request's query parameters, decoded, by name.
     *
     * @param names what the request takes
     * @param takes the end of the error for another name, such as "a POST takes partition or key"
     * @throws ApiException 400 for a name not in {@code names}, or one given twice
     */
    static Map<String, String> of(Exchange exchange, List<String> names, String takes) {
        String query = exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        Map<String, String> parameters = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (!names.contains(name)) {
                throw new ApiException(400, "Unknown query parameter '" + name + "'; " + takes);
            }
            if (parameters.put(name, value) != null) {
                throw new ApiException(400, "The query parameter " + name + " is given twice; give it once");
            }
        }
        return parameters;
    }
}
