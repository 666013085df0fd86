package io.klite.camel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.klite.log.Message;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes a {@link KliteBatch} in the seed klite's delivery format, each payload as the most faithful JSON it has: a
 * JSON value as itself, text as a string, other bytes as base64. {@link #writeData} is the one writer of a payload as
 * JSON, also for the messages the runtime's HTTP API answers with.
 */
public final class KliteBatchSerializer extends StdSerializer<KliteBatch> {

    private static final JsonFactory JSON = new JsonFactory();

    KliteBatchSerializer() {
        super(KliteBatch.class);
    }

    @Override
    public void serialize(KliteBatch batch, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("topic", batch.topic());
        gen.writeNumberField("partition", batch.partition());
        gen.writeArrayFieldStart("messages");
        for (Message message : batch.messages()) {
            gen.writeStartObject();
            gen.writeNumberField("offset", message.offset());
            writeData(gen, message.payload());
            gen.writeStringField("created", message.created());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    /**
     * Writes the field {@code "data"} of a message in the delivery format: the payload as a JSON value where it
     * parses as one, else a JSON string of its UTF-8 text, else its base64, followed by {@code "encoding":"base64"}.
     */
    public static void writeData(JsonGenerator gen, byte[] payload) throws IOException {
        String text = utf8(payload);
        if (text == null) {
            gen.writeStringField("data", Base64.getEncoder().encodeToString(payload));
            gen.writeStringField("encoding", "base64");
        } else if (isJson(text)) {
            gen.writeFieldName("data");
            gen.writeRawValue(text.strip());
        } else {
            gen.writeStringField("data", text);
        }
    }

    /** The payload as text, or null where it is not valid UTF-8. */
    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    /** Whether the text is exactly one JSON value (whitespace around it allowed). */
    static boolean isJson(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException notJson) {
            return false;
        }
    }
}
