package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messages of a {@code /batch} body: a JSON array, one message per element. A string element is stored as its
 * text; any other element as its JSON exactly as sent (numbers keep every digit, objects their spacing and key
 * order). The body must be one array and nothing else, with no duplicate keys in its objects and no empty or null
 * element; anything else is refused whole.
 */
final class JsonBatch {

    /** What a batch's body is, for an error. */
    static final String WHAT_TO_SEND = "send a JSON array, one element per message, such as [{\"orderId\": 1},"
                                       + " {\"orderId\": 2}]";

    /**
     * Numbers and strings of any length: an element is stored as sent, never read as a value, and the body is
     * bounded by {@code klite.api.maxBodySize} (Jackson's defaults would refuse a number over 1,000 digits).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private JsonBatch() {
    }

    static List<byte[]> messages(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw notAnArray(body);
            }
            if (parser.currentTokenLocation().getByteOffset() < 0) {
                // Jackson reads UTF-16 and UTF-32 as characters, without byte positions to slice elements by
                throw new ApiException(400, "The batch body is not UTF-8; send JSON in UTF-8");
            }
            List<byte[]> messages = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                int index = messages.size();
                if (token == JsonToken.VALUE_NULL) {
                    throw new ApiException(400, "Batch element " + index + " is null; every element must be a message");
                }
                if (token == JsonToken.VALUE_STRING) {
                    String text = parser.getText();
                    if (text.isEmpty()) {
                        throw new ApiException(400, "Batch element " + index + " is an empty string; every element"
                                + " must be a message");
                    }
                    messages.add(utf8(text, index));
                    continue;
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                messages.add(Arrays.copyOfRange(body, start, end));
            }
            if (messages.isEmpty()) {
                throw notAnArray(body);
            }
            if (parser.nextToken() != null) {
                throw new ApiException(400, "The batch body has more after its array (at byte "
                        + parser.currentTokenLocation().getByteOffset() + "); send one JSON array");
            }
            return messages;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "The batch body is not valid JSON: " + e.getOriginalMessage()
                    + JsonBody.where(e) + "; send a JSON array, one element per message");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read a request body held in memory", e);
        }
    }

    /** A string element's text as UTF-8, refusing one that is not Unicode text (a lone surrogate escape). */
    private static byte[] utf8(String text, int index) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            return Arrays.copyOf(bytes.array(), bytes.limit());
        } catch (CharacterCodingException e) {
            throw new ApiException(400, "Batch element " + index + " is not valid Unicode text (" + e.getMessage()
                    + "); send the message as text or as JSON");
        }
    }

    private static ApiException notAnArray(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new ApiException(400, "The batch body must be a JSON array of at least one message, not "
                + (text.length() > 60 ? text.substring(0, 57) + "..." : text));
    }
}
