package io.klite.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's messages: small JSON orders of exactly {@value #SIZE} bytes, such as
 * {@code {"orderId":123,"customer":"c-23","amount":123.5,"note":"xxxx..."}}, and worker batch bodies that hold them.
 */
final class OrderPayloads {

    static final int SIZE = 100;

    private static final String NOTE = "a small order, padded with this note to a hundred bytes of JSON ";

    private OrderPayloads() {
    }

    /** Order {@code n} as UTF-8 JSON of {@value #SIZE} bytes. */
    static byte[] order(long n) {
        StringBuilder json = new StringBuilder(SIZE)
                .append("{\"orderId\":").append(n)
                .append(",\"customer\":\"c-").append(n % 100)
                .append("\",\"amount\":").append(n % 1000).append(".5")
                .append(",\"note\":\"");
        int padding = SIZE - json.length() - 2;
        if (padding < 0) {
            throw new IllegalArgumentException("order " + n + " does not fit in " + SIZE + " bytes");
        }
        for (int i = 0; i < padding; i++) {
            json.append(NOTE.charAt(i % NOTE.length()));
        }
        return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A batch as a worker POSTs it: {@code count} orders of {@code partition} from {@code firstOffset} on, each with
     * {@code created}.
     */
    static byte[] batchBody(String topic, int partition, long firstOffset, int count, String created) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(count * (SIZE + 60));
        body.writeBytes(("{\"topic\":\"" + topic + "\",\"partition\":" + partition + ",\"messages\":[")
                .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < count; i++) {
            long offset = firstOffset + i;
            body.writeBytes(((i == 0 ? "" : ",") + "{\"offset\":" + offset + ",\"data\":")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(order(offset));
            body.writeBytes((",\"created\":\"" + created + "\"}").getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }
}
