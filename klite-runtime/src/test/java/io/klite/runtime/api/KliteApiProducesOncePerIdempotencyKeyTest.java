package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.RunningKlite;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A produce sent with an Idempotency-Key may be retried after any failure (a reset connection, a timeout): the
 * messages are stored once and the retry gets the first answer; the key reused for another request is refused.
 */
class KliteApiProducesOncePerIdempotencyKeyTest extends RunningApiTest {

    @Test
    void aRetryAnswersTheFirstResultAndStoresNothing() throws Exception {
        klite.file().createTopic("orders", 3);
        Map<String, String> key = Map.of("Idempotency-Key", "order-42");

        HttpResponse<String> first = api.post("/topics/orders/messages", key, "{\"orderId\": 42}");
        HttpResponse<String> retry = api.post("/topics/orders/messages", key, "{\"orderId\": 42}");
        HttpResponse<String> other = api.post("/topics/orders/messages", Map.of("Idempotency-Key", "order-43"),
                "{\"orderId\": 43}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.body()).isEqualTo("{\"topic\":\"orders\",\"partition\":0,\"offset\":1}");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        // the retry was answered before round-robin chose: the next message goes to the next partition
        assertThat(other.body()).isEqualTo("{\"topic\":\"orders\",\"partition\":1,\"offset\":1}");
        assertThat(klite.file().read("orders", 0, 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"orderId\": 42}");
        assertThat(klite.file().endOffset("orders", 2)).isZero();
    }

    @Test
    void aRetriedBatchIsStoredOnce() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "batch-7");
        HttpResponse<String> first = api.post("/topics/orders/batch?key=customer-7", key, "[1, 2, 3]");
        HttpResponse<String> retry = api.post("/topics/orders/batch?key=customer-7", key, "[1, 2, 3]");

        assertThat(first.body()).isEqualTo("{\"topic\":\"orders\",\"partition\":0,\"firstOffset\":1,\"count\":3}");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(3);
    }

    @Test
    void theKeyWithAnotherBodyOrPlaceIs422AndStoresNothing() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "order-42");
        api.post("/topics/orders/messages", key, "{\"orderId\": 42}");

        for (String[] request : new String[][] {
            {"/topics/orders/messages", "{\"orderId\": 43}"},
            {"/topics/orders/messages?key=customer-1", "{\"orderId\": 42}"},
            {"/topics/orders/batch", "[{\"orderId\": 42}]"},
            {"/topics/payments/messages", "{\"orderId\": 42}"},
        }) {
            HttpResponse<String> refused = api.post(request[0], key, request[1]);
            assertThat(refused.statusCode()).as(request[0]).isEqualTo(422);
            assertThat(refused.body()).as(request[0]).startsWith("{\"error\":\"Idempotency-Key 'order-42' was used at ")
                    .contains("for another send (to topic 'orders'); a retry must send the same message to the same"
                            + " place, and a new message needs a new key");
        }
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(1);
        assertThat(klite.file().partitionCount("payments")).isZero();
    }

    @Test
    void aBadKeyIs400AndStoresNothing() throws Exception {
        HttpResponse<String> tooLong = api.post("/topics/orders/messages", Map.of("Idempotency-Key", "k".repeat(256)),
                "{}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).isEqualTo("{\"error\":\"Invalid Idempotency-Key '" + "k".repeat(40)
                + "...' (256 characters): use 1 to 255 printable ASCII characters (letters, digits, - _ . : and the"
                + " like), such as a UUID, one per message or batch\"}");

        assertThat(klite.file().partitionCount("orders")).isZero();
    }

    @Test
    void aKeyIsRememberedForTheConfiguredWindow() throws Exception {
        klite.close();
        klite = RunningKlite.start(dir, Map.of("klite.api.idempotencyWindow", "1h"));
        api = new ApiClient(klite.api());
        api.post("/topics/orders/messages", Map.of("Idempotency-Key", "order-42"), "{}");

        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.file().path());
                ResultSet rows = file.createStatement().executeQuery("SELECT created_at, expires_at"
                        + " FROM klite_idempotency_keys")) {
            assertThat(rows.next()).isTrue();
            Instant created = Instant.parse(rows.getString(1));
            assertThat(Duration.between(created, Instant.ofEpochMilli(rows.getLong(2)))).isEqualTo(Duration.ofHours(1));
        }
    }
}
