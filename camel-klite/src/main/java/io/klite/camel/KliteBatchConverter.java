package io.klite.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.apache.camel.Converter;

/**
 * Camel type conversions of a {@link KliteBatch}: to its JSON, so that {@code convertBodyTo(String.class)} or an HTTP
 * producer sends the batch in the delivery format without an explicit {@code marshal().json()}.
 */
@Converter(generateLoader = true)
public final class KliteBatchConverter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KliteBatchConverter() {
    }

    @Converter
    public static byte[] toBytes(KliteBatch batch) throws JsonProcessingException {
        return JSON.writeValueAsBytes(batch);
    }

    @Converter
    public static String toJson(KliteBatch batch) throws JsonProcessingException {
        return JSON.writeValueAsString(batch);
    }

    @Converter
    public static InputStream toInputStream(KliteBatch batch) throws JsonProcessingException {
        return new ByteArrayInputStream(toBytes(batch));
    }
}
