package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.TopicConfig;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.api.ApiClient;
import java.util.Collections;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * topics create, list, describe, config and delete on the file of a running service that writes to it meanwhile: each
 * does what it says (the file, and the service's own API, show it), answers JSON with the API's fields, and a refused
 * one (an existing topic, a delete without its confirmation, a topic a live member consumes) writes nothing.
 */
class KliteCliAdministersTopicsTest extends RunningServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createsListsDescribesConfiguresAndDeletesATopicWhileTheServiceWrites() throws Exception {
        ApiClient api = new ApiClient(klite.api());

        Cli.Run created = Cli.on(database, "topics", "create", "--topic", "orders", "--partitions", "2");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("""
                TOPIC   PARTITION  START-OFFSET  END-OFFSET
                orders  0          1             0
                orders  1          1             0
                """);
        assertThat(klite.file().partitionCount("orders")).isEqualTo(2);
        klite.file().sendBatch("orders", 1, List.of("a", "b", "c"));

        Cli.Run again = Cli.on(database, "topics", "create", "--topic", "orders", "--partitions", "2");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("Topic 'orders' exists already, with 2 partition(s); add --if-not-exists"
                + " where that is fine\n");
        assertThat(again.out()).isEmpty();
        assertThat(Cli.on(database, "topics", "create", "--topic", "orders", "--if-not-exists").exit()).isZero();

        Cli.Run listed = Cli.on(database, "topics", "list");
        assertThat(listed.out()).isEqualTo("TOPIC    PARTITIONS\norders   2\ntraffic  1\n");
        Cli.Run described = Cli.on(database, "topics", "describe", "--topic", "orders", "--output", "json");
        assertThat(described.exit()).isZero();
        assertThat(JSON.readTree(described.out())).isEqualTo(api.get("/topics/orders").json());
        assertThat(described.out()).isEqualTo("{\"topic\":\"orders\",\"partitions\":["
                + "{\"partition\":0,\"startOffset\":1,\"endOffset\":0},"
                + "{\"partition\":1,\"startOffset\":1,\"endOffset\":3}]}\n");

        Cli.Run configured = Cli.on(database, "topics", "config", "--topic", "orders", "--retention-age", "7d",
                "--retention-messages", "1000");
        assertThat(configured.exit()).as(configured.toString()).isZero();
        assertThat(configured.out()).isEqualTo("""
                TOPIC   RETENTION-AGE  RETENTION-MESSAGES  KEEP-UNCONSUMED
                orders  7d             1000                false
                """);
        Cli.Run changed = Cli.on(database, "topics", "config", "--topic", "orders", "--keep-unconsumed", "true",
                "--retention-messages", "none", "--output", "json");
        assertThat(changed.out()).isEqualTo("{\"topic\":\"orders\",\"retention\":{\"age\":\"7d\",\"messages\":null,"
                + "\"keepUnconsumed\":true}}\n");
        assertThat(klite.file().topicConfig("orders")).isEqualTo(new TopicConfig(Duration.ofDays(7), null, true));
        assertThat(JSON.readTree(Cli.on(database, "topics", "config", "--topic", "orders", "--output", "json").out()))
                .isEqualTo(api.get("/topics/orders/config").json());

        Map<String, List<String>> before = FileSnapshot.of(database);
        Cli.Run unconfirmed = Cli.on(database, "topics", "delete", "--topic", "orders");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.err()).isEqualTo("Deleting topic 'orders' needs a confirmation: it deletes the topic's"
                + " messages and every group's offsets on it; add --confirm orders (see java -jar klite-runtime.jar"
                + " topics delete --help)\n");
        assertThat(Cli.on(database, "topics", "delete", "--topic", "orders", "--confirm", "order").exit())
                .isEqualTo(2);
        assertThat(FileSnapshot.of(database).get("orders_1")).isEqualTo(before.get("orders_1"));

        Cli.Run deleted = Cli.on(database, "topics", "delete", "--topic", "orders", "--confirm", "orders");
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted topic 'orders' (2 partition(s)).\n");
        assertThat(klite.file().partitionCount("orders")).isZero();
        assertThat(api.get("/topics/orders").status()).isEqualTo(404);
        awaitTrafficGoesOn();
    }

    @Test
    void refusesToDeleteATopicThatALiveMemberConsumes() throws Exception {
        Cli.Run refused = Cli.on(database, "topics", "delete", "--topic", TRAFFIC, "--confirm", TRAFFIC);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Cannot delete topic 'traffic'").contains("live member")
                .contains("service").endsWith("\n").hasLineCount(1);
        assertThat(klite.file().partitionCount(TRAFFIC)).isEqualTo(1);
        awaitTrafficGoesOn();
    }

    @Test
    void compactsTheFileWhileTheServiceWrites() throws Exception {
        // about 2 MB of messages, then free pages once their topic is gone
        for (int batch = 0; batch < 20; batch++) {
            klite.file().sendBatch("bulk", 0, Collections.nCopies(100, "x".repeat(1000)));
        }
        assertThat(Cli.on(database, "topics", "delete", "--topic", "bulk", "--confirm", "bulk").exit()).isZero();

        Cli.Run compacted = Cli.on(database, "compact", "--output", "json");

        assertThat(compacted.exit()).as(compacted.toString()).isZero();
        assertThat(JSON.readTree(compacted.out()).get("database").asText())
                .isEqualTo(database.toAbsolutePath().toString());
        long before = JSON.readTree(compacted.out()).get("bytesBefore").asLong();
        assertThat(before).isGreaterThan(2_000_000);
        assertThat(JSON.readTree(compacted.out()).get("bytesAfter").asLong()).isPositive().isLessThan(before / 4);
        awaitTrafficGoesOn();
    }
}
