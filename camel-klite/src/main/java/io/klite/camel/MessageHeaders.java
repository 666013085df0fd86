package io.klite.camel;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Between an exchange's headers and the string headers stored with a message. Invariants: only headers that pass the
 * endpoint's {@link HeaderFilterStrategy} travel, in either direction, and never Klite's own {@code CamelKlite*}
 * headers, whatever the filter (an override header stored with a message would steer the next producer); stored
 * values are text (a String, a number or a boolean as its text, a {@code byte[]} as UTF-8; other values are not
 * stored); a message without such headers stores none (null), so a route that sets no headers pays nothing.
 */
public final class MessageHeaders {

    private static final String KLITE_PREFIX = "CamelKlite";

    private MessageHeaders() {
    }

    /** The exchange's headers to store with the message it sends, or null where there are none. */
    public static Map<String, String> toStore(Exchange exchange, HeaderFilterStrategy filter) {
        Map<String, String> stored = null;
        for (Map.Entry<String, Object> header : exchange.getMessage().getHeaders().entrySet()) {
            String text = text(header.getValue());
            String name = header.getKey();
            if (text != null && name != null && !isKlites(name)
                    && (filter == null || !filter.applyFilterToCamelHeaders(name, header.getValue(), exchange))) {
                if (stored == null) {
                    stored = new LinkedHashMap<>();
                }
                stored.put(name, text);
            }
        }
        return stored;
    }

    /**
     * Sets a consumed message's stored headers on the exchange as String headers, where the filter lets them in and
     * the exchange has no header of that name yet (Klite's own headers win).
     */
    public static void restore(Exchange exchange, Map<String, String> stored, HeaderFilterStrategy filter) {
        if (stored.isEmpty()) {
            return;
        }
        Message in = exchange.getIn();
        stored.forEach((name, value) -> {
            if (!isKlites(name) && in.getHeader(name) == null
                    && (filter == null || !filter.applyFilterToExternalHeaders(name, value, exchange))) {
                in.setHeader(name, value);
            }
        });
    }

    /** Klite's own headers: results, requests to a producer, the manual commit; never stored with a message. */
    private static boolean isKlites(String name) {
        return name.regionMatches(true, 0, KLITE_PREFIX, 0, KLITE_PREFIX.length());
    }

    private static String text(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return null;
    }
}
