package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.cli.KliteCli;
import io.klite.runtime.worker.PermanentHttpFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker dead-letters the orders its endpoint refuses with a 400; {@code GET /topics/orders.dlq/dead-letters} lists
 * them, with where each came from and why, as {@code dlq list --output json} prints them; once the endpoint is fixed,
 * {@code POST /topics/orders.dlq/dead-letters/redrive} copies a range of one partition, then every other one, back to
 * the partition each came from (key, payload and the message's own headers kept), where the worker delivers them; a
 * second redrive redrives nothing.
 */
class KliteApiListsAndRedrivesDeadLettersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSAL = "{\"error\": \"invalid order\"}";
    /** The orders the endpoint refuses until it is fixed: 2 and 3 on partition 0, 5 on partition 1. */
    private static final Set<Integer> REFUSED = Set.of(2, 3, 5);

    @TempDir
    Path dir;

    @Test
    void listsTheDeadLettersAWorkerWroteAndRedrivesThemToWhereEachCameFromOnce() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 2);
            log.createTopic("orders.dlq", 2);
            log.send("orders", 0, "{\"order\":1}");
            log.send("orders", 0, "customer-2", Map.of("source", "shop"), "{\"order\":2}");
            log.sendBatch("orders", 0, List.of("{\"order\":3}", "{\"order\":4}"));
            log.sendBatch("orders", 1, List.of("{\"order\":5}", "{\"order\":6}"));
        }
        AtomicBoolean fixed = new AtomicBoolean();
        try (HttpSink sink = HttpSink.start(request -> {
            int order = request.json().at("/messages/0/data/order").asInt();
            if (!fixed.get() && REFUSED.contains(order)) {
                request.answerBody = REFUSAL.getBytes(StandardCharsets.UTF_8);
                return 400;
            }
            return 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0, 1], endpoint: "%s", batchSize: 1, interval: 100ms, maxAttempts: 3 }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                ApiClient api = new ApiClient(klite.api());
                KliteLog file = klite.file();
                await().atMost(20, SECONDS).until(() -> file.committed("billing", "orders", 0).orElse(0) == 4
                        && file.committed("billing", "orders", 1).orElse(0) == 2);

                ApiClient.Answer listed = api.get("/topics/orders.dlq/dead-letters");

                assertThat(listed.status()).isEqualTo(200);
                assertThat(listed.contentType()).isEqualTo("application/json");
                JsonNode json = listed.json();
                assertThat(summary(json)).isEqualTo("0 redriven 0: 1 2 | 1 redriven 0: 1 | more false");
                JsonNode first = json.at("/partitions/0/messages/0");
                assertThat(first.get("key").asText()).isEqualTo("customer-2");
                assertThat(first.get("data")).isEqualTo(JSON.readTree("{\"order\":2}"));
                assertThat(first.get("created").asText()).isEqualTo(file.read("orders.dlq", 0, 0, 1).get(0).created());
                JsonNode headers = first.get("headers");
                assertThat(headers.get("source").asText()).isEqualTo("shop");
                assertThat(headers.get(DeadLetter.ORIGINAL_TOPIC).asText()).isEqualTo("orders");
                assertThat(headers.get(DeadLetter.ORIGINAL_PARTITION).asText()).isEqualTo("0");
                assertThat(headers.get(DeadLetter.ORIGINAL_OFFSET).asText()).isEqualTo("2");
                assertThat(headers.get(DeadLetter.GROUP).asText()).isEqualTo("billing");
                assertThat(headers.get(DeadLetter.ATTEMPTS).asText()).isEqualTo("1");
                assertThat(headers.get(DeadLetter.EXCEPTION_CLASS).asText())
                        .isEqualTo(PermanentHttpFailure.class.getName());
                assertThat(headers.get(DeadLetter.EXCEPTION_MESSAGE).asText())
                        .isEqualTo("HTTP 400 Bad Request, answer: " + REFUSAL);
                assertThat(json.at("/partitions/0/messages/1/headers").get(DeadLetter.ORIGINAL_OFFSET).asText())
                        .isEqualTo("3");
                assertThat(json.at("/partitions/1/messages/0/headers").get(DeadLetter.ORIGINAL_OFFSET).asText())
                        .isEqualTo("1");
                assertThat(json).isEqualTo(cliJson(klite, "dlq", "list", "--topic", "orders.dlq"));

                fixed.set(true);
                ApiClient.Answer range = api.post("/topics/orders.dlq/dead-letters/redrive",
                        "{\"partition\": 0, \"fromOffset\": 1, \"toOffset\": 1}");

                assertThat(range.status()).isEqualTo(200);
                assertThat(range.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":[{\"partition\":0,"
                        + "\"messages\":1,\"firstOffset\":1,\"lastOffset\":1}]}");
                Message redriven = file.read("orders", 0, 4, 10).get(0);
                assertThat(redriven.offset()).isEqualTo(5);
                assertThat(redriven.key()).isEqualTo("customer-2");
                assertThat(redriven.headers()).isEqualTo(Map.of("source", "shop"));
                assertThat(new String(redriven.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":2}");
                await().atMost(10, SECONDS).until(() -> file.committed("billing", "orders", 0).orElse(0) == 5);
                assertThat(sink.received(0).get(sink.received(0).size() - 1).offsets()).containsExactly(5L);
                assertThat(summary(api.get("/topics/orders.dlq/dead-letters").json()))
                        .isEqualTo("0 redriven 1: 2 | 1 redriven 0: 1 | more false");
                assertThat(summary(api.get("/topics/orders.dlq/dead-letters?all=true").json()))
                        .isEqualTo("0 redriven 1: 1 2 | 1 redriven 0: 1 | more false");

                ApiClient.Answer rest = api.post("/topics/orders.dlq/dead-letters/redrive", "{}");

                assertThat(rest.status()).isEqualTo(200);
                assertThat(rest.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":["
                        + "{\"partition\":0,\"messages\":1,\"firstOffset\":2,\"lastOffset\":2},"
                        + "{\"partition\":1,\"messages\":1,\"firstOffset\":1,\"lastOffset\":1}]}");
                assertThat(payloads(file, 0)).containsExactly("{\"order\":1}", "{\"order\":2}", "{\"order\":3}",
                        "{\"order\":4}", "{\"order\":2}", "{\"order\":3}");
                assertThat(payloads(file, 1)).containsExactly("{\"order\":5}", "{\"order\":6}", "{\"order\":5}");
                assertThat(file.committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(2);
                assertThat(file.committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 1)).hasValue(1);
                await().atMost(10, SECONDS).until(() -> file.committed("billing", "orders", 0).orElse(0) == 6
                        && file.committed("billing", "orders", 1).orElse(0) == 3);

                ApiClient.Answer again = api.post("/topics/orders.dlq/dead-letters/redrive", "{}");

                assertThat(again.status()).isEqualTo(200);
                assertThat(again.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":["
                        + "{\"partition\":0,\"messages\":0,\"firstOffset\":null,\"lastOffset\":null},"
                        + "{\"partition\":1,\"messages\":0,\"firstOffset\":null,\"lastOffset\":null}]}");
                assertThat(file.endOffset("orders", 0)).isEqualTo(6);
                assertThat(file.endOffset("orders", 1)).isEqualTo(3);
                assertThat(file.endOffset("orders.dlq", 0)).as("nothing dead-lettered again").isEqualTo(2);
                assertThat(summary(api.get("/topics/orders.dlq/dead-letters").json()))
                        .isEqualTo("0 redriven 2: | 1 redriven 1: | more false");
            }
        }
    }

    /** {@code 0 redriven 1: 2 3 | 1 redriven 0: 1 | more false}: each partition's redriven offset and offsets listed. */
    static String summary(JsonNode listing) {
        List<String> parts = new ArrayList<>();
        for (JsonNode partition : listing.get("partitions")) {
            StringBuilder part = new StringBuilder(partition.get("partition").asText() + " redriven "
                    + partition.get("redrivenOffset").asLong() + ":");
            partition.get("messages").forEach(message -> part.append(' ').append(message.get("offset").asLong()));
            parts.add(part.toString());
        }
        parts.add("more " + listing.get("more").asBoolean());
        return String.join(" | ", parts);
    }

    /** What the admin CLI prints with {@code --output json} for the command on the service's file. */
    static JsonNode cliJson(RunningKlite klite, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--output", "json", "--database", klite.database().toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KliteCli.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return JSON.readTree(out.toByteArray());
    }

    private static List<String> payloads(KliteLog file, int partition) {
        return file.read("orders", partition, 0, 100).stream()
                .map(message -> new String(message.payload(), StandardCharsets.UTF_8)).toList();
    }
}
