package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * batching=true: one exchange per partition per poll whose body is a {@link KliteBatch}; a batch is committed only
 * when its exchange succeeds, and a failed batch comes again whole.
 */
class KliteConsumerBatchingCommitsOnSuccessTest extends KliteCamelTestSupport {

    private final List<String> deliveries = new CopyOnWriteArrayList<>();
    private final List<Exchange> jsonBatches = new CopyOnWriteArrayList<>();
    private final Received manualBatches = new Received();
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final List<String> growingBatches = new CopyOnWriteArrayList<>();
    private final List<List<Long>> gapBatches = new CopyOnWriteArrayList<>();
    @BindToRegistry("failures")
    private final RecordingExceptionHandler failures = new RecordingExceptionHandler();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&batching=true&batchSize=3&initialDelay=0&delay=50"
                        + "&exceptionHandler=#failures")
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            deliveries.add(batch.messages().stream().map(m -> new String(m.payload(),
                                    StandardCharsets.UTF_8)).toList() + " first=" + exchange.getIn().getHeader(
                                    KliteConstants.FIRST_OFFSET) + " last=" + exchange.getIn().getHeader(
                                    KliteConstants.LAST_OFFSET) + " committed=" + file().committed("billing",
                                    "orders", 0));
                            if (failedOnce.compareAndSet(false, true)) {
                                throw new IllegalStateException("warehouse offline");
                            }
                        });

                from("klite:growing?group=billing&batching=true&batchSize=10&initialDelay=0&delay=50")
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            growingBatches.add(batch.firstOffset() + ".." + batch.lastOffset());
                            if (growingBatches.size() == 1) {
                                // more messages arrive while the first batch fails
                                template.sendBody("klite:growing", List.of("4", "5"));
                                throw new IllegalStateException("receiver down");
                            }
                        });

                from("klite:gaps?group=billing&batching=true&batchSize=10&initialDelay=0&delay=50")
                        .routeId("gaps").autoStartup(false)
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            gapBatches.add(batch.messages().stream().map(Message::offset).toList());
                            if (gapBatches.size() == 1) {
                                template.sendBody("klite:gaps", List.of("6", "7", "8"));
                                throw new IllegalStateException("receiver down");
                            }
                        });

                from("klite:mixed?group=billing&batching=true&initialDelay=0&delay=50")
                        .marshal().json()
                        .process(jsonBatches::add);

                from("klite:manual?group=billing&batching=true&batchSize=2&allowManualCommit=true&initialDelay=0"
                        + "&delay=50")
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            if (batch.firstOffset() == 1) {
                                exchange.getIn().getHeader(KliteConstants.MANUAL_COMMIT, KliteManualCommit.class)
                                        .commit();
                            }
                            manualBatches.add(batch.firstOffset() + ".." + batch.lastOffset());
                        });
            }
        };
    }

    @Test
    void batchIsCommittedOnlyWhenItsExchangeSucceeds() {
        template.sendBody("klite:orders", List.of("1", "2", "3", "4", "5", "6", "7"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(7));
        assertThat(deliveries).containsExactly(
                "[1, 2, 3] first=1 last=3 committed=OptionalLong.empty",
                "[1, 2, 3] first=1 last=3 committed=OptionalLong.empty",
                "[4, 5, 6] first=4 last=6 committed=OptionalLong[3]",
                "[7] first=7 last=7 committed=OptionalLong[6]");
        assertThat(failures.handled).singleElement().asString().contains(
                "Delivery failed: topic 'orders' partition 0 offsets 1..3 group 'billing' attempt 1", "warehouse offline");
    }

    @Test
    void aFailedBatchComesAgainWithTheSameOffsetsThoughMoreMessagesArrived() {
        template.sendBody("klite:growing", List.of("1", "2", "3"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "growing", 0)).hasValue(5));
        assertThat(growingBatches).containsExactly("1..3", "1..3", "4..5");
    }

    @Test
    void aFailedBatchWithGapsInItsOffsetsDoesNotGrowEither() throws Exception {
        // offsets 1 and 5 are left: another program deleted 2..4 before the consumer started
        file().sendBatch("gaps", 0, List.of("1", "2", "3", "4", "5"));
        try (java.sql.Connection jdbc = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db());
                java.sql.Statement statement = jdbc.createStatement()) {
            statement.execute("DELETE FROM \"gaps_0\" WHERE id BETWEEN 2 AND 4");
        }
        context.getRouteController().startRoute("gaps");

        await().untilAsserted(() -> assertThat(file().committed("billing", "gaps", 0)).hasValue(8));
        assertThat(gapBatches).containsExactly(List.of(1L, 5L), List.of(1L, 5L), List.of(6L, 7L, 8L));
    }

    @Test
    void manualCommitCommitsTheLastOffsetOfItsBatch() {
        template.sendBody("klite:manual", List.of("1", "2", "3", "4"));

        manualBatches.awaitSize(2);
        assertThat(manualBatches).containsExactly("1..2", "3..4");
        assertThat(file().committed("billing", "manual", 0)).hasValue(2);
    }

    @Test
    void batchMarshalsToTheDeliveryFormat() throws Exception {
        template.sendBody("klite:mixed", List.of("{\"id\": 1, \"tags\": [\"a\"]}", "plain text", "42",
                new byte[] {(byte) 0xff, 0x00, 0x7f}));

        await().until(() -> jsonBatches.size() == 1);
        String json = jsonBatches.get(0).getIn().getBody(String.class);
        List<Message> stored = file().read("mixed", 0, 0, 10);
        String created = stored.get(0).created();
        assertThat(stored).extracting(Message::created).containsOnly(created);
        KliteBatch batch = new KliteBatch("mixed", 0, stored);
        assertThat(context.getTypeConverter().convertTo(String.class, batch)).as("type converter").isEqualTo(json);
        assertThat(new ObjectMapper().readTree(json)).isEqualTo(new ObjectMapper().readTree("""
                {"topic": "mixed", "partition": 0, "messages": [
                  {"offset": 1, "data": {"id": 1, "tags": ["a"]}, "created": "%s"},
                  {"offset": 2, "data": "plain text", "created": "%s"},
                  {"offset": 3, "data": 42, "created": "%s"},
                  {"offset": 4, "data": "/wB/", "encoding": "base64", "created": "%s"}
                ]}""".formatted(created, created, created, created)));
    }
}
