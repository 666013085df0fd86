package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A message's headers go into the {@code headers} column as a JSON object of strings (NULL where there are none)
 * and come back with the message, whoever wrote them; a value another program wrote that is not such an object
 * never stops the message from being read.
 */
class KliteLogStoresMessageHeadersTest extends LogTestSupport {

    @Test
    void headersRoundTripThroughSendSendBatchFetchAndRead() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceId", "abc-1");
        headers.put("note", "é \"quoted\" ✓");
        log.send("orders", 0, "k", headers, "one");
        log.sendBatch("orders", 0, null, Map.of("batch", "yes"), List.of("two", "three"));
        log.send("orders", 0, "plain");

        List<Message> fetched = log.fetch("g", "orders", 0, 10);
        assertThat(fetched).extracting(Message::headers).containsExactly(headers, Map.of("batch", "yes"),
                Map.of("batch", "yes"), Map.of());
        assertThat(log.read("orders", 0, 0, 10)).isEqualTo(fetched);
        try (Jdbc other = new Jdbc(log.path())) {
            assertThat(other.strings("SELECT headers FROM \"orders_0\" ORDER BY id")).containsExactly(
                    "{\"traceId\":\"abc-1\",\"note\":\"é \\\"quoted\\\" ✓\"}", "{\"batch\":\"yes\"}",
                    "{\"batch\":\"yes\"}", null);
        }
    }

    @Test
    void everyMessageOfABatchWrittenInStatementsOfEverySizeCarriesTheHeaders() {
        List<String> payloads = IntStream.range(0, 1111).mapToObj(i -> "m" + i).toList();
        BatchResult batch = log.sendBatch("orders", 0, "k", Map.of("source", "bulk"), payloads);

        List<Message> read = log.read("orders", 0, 0, 2000);
        assertThat(batch.firstOffset()).isEqualTo(1);
        assertThat(read).hasSize(1111).allSatisfy(m -> {
            assertThat(m.headers()).isEqualTo(Map.of("source", "bulk"));
            assertThat(m.key()).isEqualTo("k");
            assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("m" + (m.offset() - 1));
        });
    }

    @Test
    void noHeadersOrAnEmptyMapLeaveTheColumnNull() throws Exception {
        log.send("orders", 0, null, null, "a");
        log.send("orders", 0, null, Map.of(), "b");
        log.sendBatch("orders", 0, "k", List.of("c"));
        try (Jdbc other = new Jdbc(log.path())) {
            assertThat(other.count("SELECT count(*) FROM \"orders_0\" WHERE headers IS NULL")).isEqualTo(3);
        }
        assertThat(log.read("orders", 0, 0, 10)).allSatisfy(m -> assertThat(m.headers()).isEmpty());
    }

    @Test
    void aNullNameOrValueIsRefusedAndNothingIsWritten() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("traceId", null);
        Map<String, String> nullName = new HashMap<>();
        nullName.put(null, "x");
        log.createTopic("orders", 1);

        assertThatThrownBy(() -> log.send("orders", 0, null, nullValue, "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'traceId' with value null");
        assertThatThrownBy(() -> log.sendBatch("orders", 0, null, nullName, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name null");
        assertThat(log.endOffset("orders", 0)).isZero();
    }

    @Test
    void headersAnotherProgramWroteAreReadLeniently() throws Exception {
        try (Jdbc other = new Jdbc(log.path())) {
            other.createSeedPartition("\"seed_0\"");
        }
        log.createTopic("seed", 1); // adds the key and headers columns to the seed's table
        String[] written = {
            "{\"source\":\"python\",\"ü\":\"ö\"}",
            null,
            "{\"attempt\":3,\"ok\":true,\"ratio\":1.50,\"big\":1e2,\"gone\":null,\"list\":[1],\"obj\":{\"a\":\"b\"}}",
            "{not json",
            "[\"a\",\"b\"]",
            "42",
            "",
            "{\"a\":\"b\"}x",
        };
        try (Jdbc other = new Jdbc(log.path())) {
            for (String headers : written) {
                other.exec("INSERT INTO seed_0 (data, headers) VALUES ('x', ?)", headers);
            }
        }

        List<Message> read = log.read("seed", 0, 0, 20);

        assertThat(read).extracting(Message::headers).containsExactly(
                Map.of("source", "python", "ü", "ö"),
                Map.of(),
                Map.of("attempt", "3", "ok", "true", "ratio", "1.50", "big", "1e2"),
                Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
        assertThat(read).extracting(Message::payload).allSatisfy(p -> assertThat(p).isEqualTo(new byte[] {'x'}));
        assertThat(log.fetch("g", "seed", 0, 20)).isEqualTo(read);
    }
}
