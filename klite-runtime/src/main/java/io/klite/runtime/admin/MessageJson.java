package io.klite.runtime.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import io.klite.camel.KliteBatchSerializer;
import io.klite.log.Message;
import java.io.IOException;
import java.util.Map;

/**
 * One message as the HTTP API's reads and the CLI's {@code consume} write it:
 * {@code {["partition",]"offset","key","headers","created","data"[,"encoding"]}}, {@code data} as the HTTP worker
 * writes it ({@link KliteBatchSerializer#writeData}: a JSON value, a string, or base64 with
 * {@code "encoding":"base64"}).
 *
 * @param partition the message's partition, written first; null where the answer names it once for all messages
 */
public record MessageJson(Integer partition, Message message) implements JsonSerializable {

    /** A message of an answer that names its partition once. */
    public MessageJson(Message message) {
        this(null, message);
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeStartObject();
        if (partition != null) {
            gen.writeNumberField("partition", partition);
        }
        gen.writeNumberField("offset", message.offset());
        gen.writeStringField("key", message.key());
        gen.writeObjectFieldStart("headers");
        for (Map.Entry<String, String> header : message.headers().entrySet()) {
            gen.writeStringField(header.getKey(), header.getValue());
        }
        gen.writeEndObject();
        gen.writeStringField("created", message.created());
        KliteBatchSerializer.writeData(gen, message.payload());
        gen.writeEndObject();
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        serialize(gen, serializers);
    }
}
