package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.KliteLog;
import io.klite.log.TableChurn;
import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /topics} and {@code GET /groups} answer 200 with the file as it was at one moment while another process
 * (Python's sqlite3 module, {@link TableChurn}) creates, fills, empties and drops topic {@code churn}'s tables and
 * commits group {@code churner} on them, over and over: topic {@code churn} whole (every partition at 1..5, or every
 * one emptied after 5) or absent, the group's rows on it there exactly with it, and the two partitions of topic
 * {@code lockstep}, written in the same transactions, with the same offsets.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteApiListsTopicsAndGroupsAtOneMomentTest {

    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MIN_CALLS = 200;
    private static final String FULL = "[[0,1,5],[1,1,5],[2,1,5]]";
    private static final String EMPTIED = "[[0,6,5],[1,6,5],[2,6,5]]";

    @TempDir
    Path dir;

    @Test
    void topicsAndGroupsNeverFailAndShowOneMomentWhileAnotherProcessCreatesAndDropsTables() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 1);
            log.sendBatch("orders", 0, List.of("a", "b", "c"));
            log.createTopic("lockstep", 2);
            log.commit("billing", "orders", 0, 2);
            log.commit("billing", "lockstep", 0, 0);
            log.commit("billing", "lockstep", 1, 0);
        }
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            Set<String> topicStates = new HashSet<>();
            Set<String> groupStates = new HashSet<>();
            int calls = 0;
            try (TableChurn churn = TableChurn.start(klite.database())) {
                for (long start = System.nanoTime(); calls < MIN_CALLS || topicStates.size() < 3
                        || groupStates.size() < 3; calls++) {
                    if (System.nanoTime() - start > MAX_NANOS) {
                        break;
                    }
                    topicStates.add(checkTopics(api.get("/topics")));
                    groupStates.add(checkGroups(api.get("/groups")));
                }
                assertThat(churn.stop()).as("turns of the other process").isGreaterThanOrEqualTo(3);
            }
            assertThat(topicStates).as("states of topic churn in GET /topics, %d calls", calls)
                    .containsExactlyInAnyOrder("absent", FULL, EMPTIED);
            assertThat(groupStates).as("states of group churner in GET /groups, %d calls", calls)
                    .containsExactlyInAnyOrder("absent", "[[0,5,3],[1,5,3],[2,5,3]]", "[[0,5,0],[1,5,0],[2,5,0]]");
        }
    }

    /** Checks one answer of GET /topics; answers the state of topic churn in it. */
    private static String checkTopics(ApiClient.Answer answer) {
        assertThat(answer.status()).as("GET /topics: %s", answer.json()).isEqualTo(200);
        String churn = "absent";
        for (JsonNode topic : answer.json()) {
            List<List<Long>> partitions = new ArrayList<>();
            topic.get("partitions").forEach(p -> partitions.add(List.of(p.get("partition").asLong(),
                    p.get("startOffset").asLong(), p.get("endOffset").asLong())));
            switch (topic.get("topic").asText()) {
                case "orders" -> assertThat(partitions).isEqualTo(List.of(List.of(0L, 1L, 3L)));
                case "lockstep" -> {
                    assertThat(partitions).hasSize(2);
                    assertThat(partitions.get(1).subList(1, 3)).as("lockstep %s", partitions)
                            .isEqualTo(partitions.get(0).subList(1, 3));
                }
                case "churn" -> {
                    churn = partitions.toString().replace(" ", "");
                    assertThat(churn).isIn(FULL, EMPTIED);
                }
                default -> throw new AssertionError("unexpected topic in " + answer.json());
            }
        }
        return churn;
    }

    /** Checks one answer of GET /groups; answers the state of group churner in it: partition, end offset, lag. */
    private static String checkGroups(ApiClient.Answer answer) {
        assertThat(answer.status()).as("GET /groups: %s", answer.json()).isEqualTo(200);
        List<List<Long>> churner = new ArrayList<>();
        List<List<Long>> lockstep = new ArrayList<>();
        for (JsonNode row : answer.json()) {
            List<Long> offsets = List.of(row.get("partition").asLong(), row.get("endOffset").asLong(),
                    row.get("lag").asLong());
            String where = row.get("group").asText() + " " + row.get("topic").asText();
            switch (where) {
                case "billing orders" -> assertThat(offsets).isEqualTo(List.of(0L, 3L, 1L));
                case "billing lockstep" -> lockstep.add(offsets);
                case "churner churn" -> {
                    assertThat(row.get("committedOffset").asLong()).isEqualTo(2);
                    churner.add(offsets);
                }
                default -> throw new AssertionError("unexpected row in " + answer.json());
            }
        }
        assertThat(lockstep).hasSize(2);
        assertThat(lockstep.get(1).subList(1, 3)).as("lockstep %s", lockstep).isEqualTo(lockstep.get(0).subList(1, 3));
        return churner.isEmpty() ? "absent" : churner.toString().replace(" ", "");
    }
}
