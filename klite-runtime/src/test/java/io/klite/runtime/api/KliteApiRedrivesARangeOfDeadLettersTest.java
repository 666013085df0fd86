package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.camel.KliteComponent;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.LogListener;
import io.klite.log.Message;
import io.klite.log.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /topics/{topic}/dead-letters/redrive} with a partition redrives its dead letters from {@code fromOffset}
 * (default: the first not redriven yet) to {@code toOffset} (default: the partition's end), each back to the topic and
 * partition it came from, whatever partition of the dead-letter topic holds it; those redriven before are left out, so
 * a range that overlaps them redrives only the rest, and a redrive of what was redriven redrives nothing. A redrive
 * that fails after its check (the file changed meanwhile) answers what was redriven before it.
 */
class KliteApiRedrivesARangeOfDeadLettersTest extends RunningApiTest {

    private static final String REDRIVE = "/topics/orders.dlq/dead-letters/redrive";

    /**
     * orders.dlq, one partition, holds the dead letters of orders partition 0 offset 1 (order 1), partition 1 offset 1
     * (order 2), partition 0 offset 2 (order 3), partition 1 offset 2 (order 4), partition 0 offset 3 (order 5), at
     * offsets 1 to 5.
     */
    private void deadLetters() {
        KliteLog file = klite.file();
        file.createTopic("orders", 2);
        file.createTopic("orders.dlq", 1);
        for (int order = 1; order <= 5; order++) {
            int partition = (order + 1) % 2;
            long offset = file.send("orders", partition, "customer-" + order, Map.of(),
                    "{\"order\":" + order + "}");
            Message message = file.read("orders", partition, offset - 1, 1).get(0);
            file.deadLetter(new DeadLetter("billing", "orders", partition, List.of(message), "orders.dlq", 3,
                    "java.io.IOException", "down", Instant.parse("2026-12-01T10:00:00Z")));
        }
    }

    @Test
    void redrivesARangeThenWhatOverlapsItThenTheRestEachToItsOwnPartition() throws Exception {
        deadLetters();

        ApiClient.Answer upTo2 = api.post(REDRIVE, "{\"partition\": 0, \"toOffset\": 2}");

        assertThat(upTo2.status()).isEqualTo(200);
        assertThat(upTo2.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":[{\"partition\":0,"
                + "\"messages\":2,\"firstOffset\":1,\"lastOffset\":2}]}");
        assertThat(after("orders", 0, 3)).containsExactly("4 customer-1 {\"order\":1}");
        assertThat(after("orders", 1, 2)).containsExactly("3 customer-2 {\"order\":2}");

        ApiClient.Answer overlapping = api.post(REDRIVE, "{\"partition\": 0, \"fromOffset\": 1, \"toOffset\": 3}");

        assertThat(overlapping.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":[{\"partition\":0,"
                + "\"messages\":1,\"firstOffset\":3,\"lastOffset\":3}]}");
        assertThat(after("orders", 0, 3)).containsExactly("4 customer-1 {\"order\":1}", "5 customer-3 {\"order\":3}");

        ApiClient.Answer rest = api.post(REDRIVE, "{\"partition\": 0}");

        assertThat(rest.json()).hasToString("{\"topic\":\"orders.dlq\",\"partitions\":[{\"partition\":0,"
                + "\"messages\":2,\"firstOffset\":4,\"lastOffset\":5}]}");
        assertThat(after("orders", 0, 3)).containsExactly("4 customer-1 {\"order\":1}", "5 customer-3 {\"order\":3}",
                "6 customer-5 {\"order\":5}");
        assertThat(after("orders", 1, 2)).containsExactly("3 customer-2 {\"order\":2}", "4 customer-4 {\"order\":4}");
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(5);

        for (String again : List.of("{\"partition\": 0}", "{\"partition\": 0, \"fromOffset\": 1}",
                "{\"partition\": 0, \"fromOffset\": 9}", "{}")) {
            assertThat(api.post(REDRIVE, again).json()).as(again).hasToString("{\"topic\":\"orders.dlq\","
                    + "\"partitions\":[{\"partition\":0,\"messages\":0,\"firstOffset\":null,\"lastOffset\":null}]}");
        }
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(6);
        assertThat(klite.file().endOffset("orders", 1)).isEqualTo(4);
    }

    @Test
    void aRangeThatSkipsAPendingDeadLetterIsRefusedWithoutARedrive() throws Exception {
        deadLetters();
        api.post(REDRIVE, "{\"partition\": 0, \"toOffset\": 1}");

        ApiClient.Answer skipping = api.post(REDRIVE, "{\"partition\": 0, \"fromOffset\": 3}");

        assertThat(skipping.status()).isEqualTo(409);
        assertThat(skipping.json().get("error").asText()).isEqualTo("Cannot redrive offsets 3..5 of orders.dlq-0:"
                + " the dead letters from offset 2 on have not been redriven, and a redrive never skips one; start at"
                + " 2 or before (to skip them for good, reset group 'klite.redrive' on orders.dlq-0)");
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(1);
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(4);
        assertThat(klite.file().endOffset("orders", 1)).isEqualTo(2);
    }

    @Test
    void aRedriveThatFailsAfterItsCheckAnswersWhatWasRedrivenBeforeIt() throws Exception {
        KliteLog file = klite.file();
        file.createTopic("orders", 1);
        file.createTopic("x.dlq", 2);
        file.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "orders", DeadLetter.ORIGINAL_PARTITION, "0"),
                "{\"order\":1}");
        file.send("x.dlq", 1, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew", DeadLetter.ORIGINAL_PARTITION,
                "7"), "{\"order\":2}");
        // once partition 0 is redriven, another program creates brandnew with 1 partition: partition 7 is gone
        KliteComponent component = klite.context().getComponent("klite", KliteComponent.class);
        KliteLog shared = component.acquireLog(klite.database().toString());
        try (Subscription listening = shared.addListener(new LogListener() {
            @Override
            public void produced(String topic, int partition, int count) {
                if (topic.equals("orders")) {
                    file.createTopic("brandnew", 1);
                }
            }
        })) {
            ApiClient.Answer failed = api.post("/topics/x.dlq/dead-letters/redrive", "{}");

            assertThat(failed.status()).isEqualTo(409);
            assertThat(failed.json().get("error").asText()).isEqualTo("Redrive of topic 'x.dlq' failed at partition 1"
                    + " after offset 0: Partition 7 is out of range for topic 'brandnew': it has 1 partition (valid:"
                    + " 0); redriven before that, and still: partition 0 offsets 1..1 (1); nothing else (a redrive"
                    + " again goes on from there)");
        } finally {
            component.releaseLog(shared);
        }
        assertThat(after("orders", 0, 0)).containsExactly("1 null {\"order\":1}");
        assertThat(file.committed(KliteLog.REDRIVE_GROUP, "x.dlq", 0)).hasValue(1);
        assertThat(file.committed(KliteLog.REDRIVE_GROUP, "x.dlq", 1)).isEmpty();
    }

    /** {@code offset key payload} of the partition's messages after {@code afterOffset}. */
    private List<String> after(String topic, int partition, long afterOffset) {
        return klite.file().read(topic, partition, afterOffset, 100).stream().map(message -> message.offset() + " "
                + message.key() + " " + new String(message.payload(), StandardCharsets.UTF_8)).toList();
    }
}
