package io.klite.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bytes for payloads: the log stores {@code byte[]} as is and {@code String} as UTF-8, and nothing else. */
final class Payloads {

    private Payloads() {
    }

    static byte[] toBytes(Object payload, String what) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (payload == null) {
            throw new IllegalArgumentException("Invalid " + what + ": null; a message needs a payload (byte[] or String)");
        }
        throw new IllegalArgumentException("Invalid " + what + " of type " + payload.getClass().getName()
                + ": the log stores byte[] or String (the Camel component turns other objects into JSON)");
    }

    /** Every payload of a batch, converted before anything is written, so one bad element writes nothing. */
    static List<byte[]> toBytes(List<?> payloads) {
        if (payloads == null || payloads.isEmpty()) {
            throw new IllegalArgumentException("Invalid batch " + (payloads == null ? "null" : "[]")
                    + ": a batch holds at least one message");
        }
        List<byte[]> data = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            data.add(toBytes(payloads.get(i), "payload at index " + i + " of the batch"));
        }
        return data;
    }
}
