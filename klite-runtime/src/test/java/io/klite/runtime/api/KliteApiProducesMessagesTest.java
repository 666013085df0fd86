package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST /topics/{topic}/messages and /batch: what lands in the SQLite file, and where. */
class KliteApiProducesMessagesTest extends RunningApiTest {

    @Test
    void aPostedBodyIsStoredByteForByteWhateverItsContentType() throws Exception {
        byte[] binary = {0, (byte) 0xFF, 7};
        ApiClient.Answer json = api.post("/topics/orders/messages", "{\"orderId\": 1}");
        ApiClient.Answer text = api.post("/topics/orders/messages", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer bytes = api.post("/topics/orders/messages", "application/octet-stream", binary);

        assertThat(json.status()).isEqualTo(201);
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(json.json().toString()).isEqualTo("{\"topic\":\"orders\",\"partition\":0,\"offset\":1}");
        assertThat(text.json().get("offset").asLong()).isEqualTo(2);
        assertThat(bytes.json().get("offset").asLong()).isEqualTo(3);
        List<Message> stored = klite.file().read("orders", 0, 0, 10);
        assertThat(stored).extracting(Message::payload)
                .containsExactly("{\"orderId\": 1}".getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8),
                        binary);
    }

    @Test
    void aBatchIsOneTransactionOfOneMessagePerElement() throws Exception {
        klite.file().createTopic("orders", 3);

        ApiClient.Answer answer = api.post("/topics/orders/batch?partition=2",
                "[{\"a\": 1, \"b\": 12345678901234567.891}, \"plain text\", 1e400, [1, 2]]");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().toString())
                .isEqualTo("{\"topic\":\"orders\",\"partition\":2,\"firstOffset\":1,\"count\":4}");
        assertThat(klite.file().read("orders", 2, 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\": 1, \"b\": 12345678901234567.891}", "plain text", "1e400", "[1, 2]");
    }

    @Test
    void aBatchKeepsEveryDigitOfALongNumber() throws Exception {
        String number = "1" + "0".repeat(1500);

        ApiClient.Answer answer = api.post("/topics/numbers/batch", "[" + number + ", \"" + "x".repeat(2000) + "\"]");

        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(201);
        assertThat(klite.file().read("numbers", 0, 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly(number, "x".repeat(2000));
    }

    @Test
    void partitionAndKeyChooseThePartitionAsTheKliteProducerDoes() throws Exception {
        klite.file().createTopic("orders", 4);

        ApiClient.Answer explicit = api.post("/topics/orders/messages?partition=3", "{}");
        ApiClient.Answer keyed = api.post("/topics/orders/messages?key=customer-42", "{}");
        ApiClient.Answer keyedBatch = api.post("/topics/orders/batch?key=customer-42", "[1, 2]");

        assertThat(explicit.json().get("partition").asInt()).isEqualTo(3);
        int kafkasPartition = KliteLog.partitionFor("customer-42", 4);
        assertThat(keyed.json().get("partition").asInt()).isEqualTo(kafkasPartition);
        assertThat(keyedBatch.json().get("partition").asInt()).isEqualTo(kafkasPartition);
        assertThat(klite.file().read("orders", kafkasPartition, 0, 10))
                .extracting(Message::key).containsExactly("customer-42", "customer-42", "customer-42");
    }

    @Test
    void withoutPartitionOrKeyMessagesGoRoundRobin() throws Exception {
        klite.file().createTopic("clicks", 2);

        int first = api.post("/topics/clicks/messages", "1").json().get("partition").asInt();
        int second = api.post("/topics/clicks/messages", "2").json().get("partition").asInt();

        assertThat(List.of(first, second)).containsExactlyInAnyOrder(0, 1);
    }
}
