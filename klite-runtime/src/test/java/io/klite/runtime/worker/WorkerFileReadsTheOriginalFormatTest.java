package io.klite.runtime.worker;

import io.klite.log.Limits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The original klite's worker config, as YAML or JSON: a route's worth of settings per (topic, group, partition),
 * and every mistake refused with the file, the key and the value.
 */
class WorkerFileReadsTheOriginalFormatTest {

    @TempDir
    Path dir;

    @Test
    void readsTheReadmeExampleOfTheOriginalKlite() throws Exception {
        List<HttpWorker> workers = WorkerFile.read(file("workers.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      order-processor: { partitions: [0, 1], endpoint: "https://example.com/process", batchSize: 50, interval: "5s" }
                      order-analytics: { partitions: [0, 1, 2, 3], endpoint: "https://example.com/analytics", batchSize: 100, interval: "10s" }
                  events:
                    consumerGroups:
                      event-handler: { partitions: [0], endpoint: "http://127.0.0.1:9000/events", batchSize: 25, interval: "2s" }
                """));

        assertThat(workers).hasSize(7);
        assertThat(workers.get(0)).isEqualTo(new HttpWorker("orders", "order-processor", 0, 4,
                URI.create("https://example.com/process"), 50, Duration.ofSeconds(5), Duration.ofSeconds(60), 0, "orders.dlq",
                true, 4 * 1024 * 1024));
        // a topic the workers create gets enough partitions for every group on it
        assertThat(workers).filteredOn(w -> w.topic().equals("orders")).allMatch(w -> w.partitionCount() == 4);
        assertThat(workers.get(6)).isEqualTo(new HttpWorker("events", "event-handler", 0, 1,
                URI.create("http://127.0.0.1:9000/events"), 25, Duration.ofSeconds(2), Duration.ofSeconds(60), 0, "events.dlq",
                true, 4 * 1024 * 1024));
        assertThat(workers).extracting(HttpWorker::routeId).contains("worker:orders:order-analytics:3");
    }

    @Test
    void readsJsonAndFillsDefaults() throws Exception {
        List<HttpWorker> workers = WorkerFile.read(file("workers.json", """
                {"topics": {"orders": {"consumerGroups": {"billing": {"partitions": [2], "endpoint": "http://localhost/b"}}}}}
                """));

        assertThat(workers).containsExactly(new HttpWorker("orders", "billing", 2, 3, URI.create("http://localhost/b"),
                Limits.DEFAULT_BATCH_SIZE, Duration.ofSeconds(1), Duration.ofSeconds(60), 0, "orders.dlq", true,
                Limits.DEFAULT_MAX_BATCH_BYTES));
    }

    @Test
    void readsTheFailureSettings() throws Exception {
        List<HttpWorker> workers = WorkerFile.read(file("workers.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      billing:
                        partitions: [0]
                        endpoint: http://127.0.0.1:9000/hook
                        maxAttempts: 5
                        deadLetterTopic: orders-failed
                        deadLetterOn4xx: false
                        maxBatchBytes: 512KiB
                      audit: { partitions: [0], endpoint: "http://127.0.0.1:9000/audit", maxBatchBytes: "65536" }
                """));

        assertThat(workers.get(0)).extracting(HttpWorker::maxAttempts, HttpWorker::deadLetterTopic,
                HttpWorker::deadLetterOn4xx, HttpWorker::maxBatchBytes).containsExactly(5, "orders-failed", false,
                512L * 1024);
        assertThat(workers.get(1)).extracting(HttpWorker::maxAttempts, HttpWorker::deadLetterTopic,
                HttpWorker::deadLetterOn4xx, HttpWorker::maxBatchBytes).containsExactly(0, "orders.dlq", true, 65536L);
        // what the route's klite: URI gets: the dead-letter topic by name, bytes as a number
        assertThat(workers.get(0).templateParameters()).containsEntry("deadLetterTopic", "orders-failed")
                .containsEntry("maxBatchBytes", "524288").containsEntry("deadLetterOn4xx", "false");
    }

    @Test
    void byteCountsTakeBytesKibibytesAndMebibytes() {
        assertThat(HttpWorker.Settings.maxBatchBytes("1")).isEqualTo(1);
        assertThat(HttpWorker.Settings.maxBatchBytes("1000")).isEqualTo(1000);
        assertThat(HttpWorker.Settings.maxBatchBytes("512KiB")).isEqualTo(512 * 1024);
        assertThat(HttpWorker.Settings.maxBatchBytes("4MiB")).isEqualTo(Limits.DEFAULT_MAX_BATCH_BYTES);
        assertThat(HttpWorker.Settings.maxBatchBytes("64MiB")).isEqualTo(64L * 1024 * 1024);
        assertThat(HttpWorker.DEFAULT_MAX_BATCH_BYTES).isEqualTo("4MiB");
    }

    @Test
    void aTopicTooLongForItsDefaultDeadLetterTopicNeedsOneNamedWhereDeadLettersAreOn() throws Exception {
        String topic = "t".repeat(246);
        Path without = file("without.yaml", """
                topics:
                  %s: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/x" } } }
                """.formatted(topic));
        Path workers = file("workers.yaml", """
                topics:
                  %s: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/x", maxAttempts: 3 } } }
                """.formatted(topic));
        Path named = file("named.yaml", """
                topics:
                  %s: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/x", maxAttempts: 3, deadLetterTopic: t.dlq } } }
                """.formatted(topic));

        assertThat(WorkerFile.read(without)).hasSize(1);
        assertThatThrownBy(() -> WorkerFile.read(workers)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(workers + ": topics." + topic + ".consumerGroups.g.deadLetterTopic: the default"
                        + " dead-letter topic does not fit: Invalid topic name '")
                .hasMessageEndingWith("; name a dead-letter topic of at most 249 characters");
        assertThat(WorkerFile.read(named)).extracting(HttpWorker::deadLetterTopic).containsExactly("t.dlq");
    }

    @Test
    void intervalsTakeMillisecondsSecondsAndMinutes() {
        assertThat(HttpWorker.Settings.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(HttpWorker.Settings.duration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(HttpWorker.Settings.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            interval 5x              | interval: 5x                   | workers.yaml: topics.orders.consumerGroups.billing.interval: '5x' is not a duration
            interval without unit    | interval: 500                  | workers.yaml: topics.orders.consumerGroups.billing.interval: '500' is not a duration
            partition not a number   | partitions: ["a"]              | workers.yaml: topics.orders.consumerGroups.billing.partitions: 'a' is not a partition number
            negative partition       | partitions: [-1]               | workers.yaml: topics.orders.consumerGroups.billing.partitions: '-1' is not a partition number: a whole number is expected
            partition too big        | partitions: [1000]             | workers.yaml: topics.orders.consumerGroups.billing.partitions: '1000' is not a partition number; allowed: 0 to 999
            batch size with a sign   | batchSize: "+2"                | workers.yaml: topics.orders.consumerGroups.billing.batchSize: '+2' is not a batch size: a whole number is expected
            endpoint with fragment   | endpoint: http://127.0.0.1/h#x | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'http://127.0.0.1/h#x' has a fragment (#x)
            partition listed twice   | partitions: [1, 1]             | workers.yaml: topics.orders.consumerGroups.billing.partitions: partition 1 is listed twice
            partitions not a list    | partitions: 0                  | workers.yaml: topics.orders.consumerGroups.billing.partitions is not a list of partition numbers
            batch size zero          | batchSize: 0                   | workers.yaml: topics.orders.consumerGroups.billing.batchSize: '0' is not a batch size; allowed: 1 to 10000
            batch size too big       | batchSize: 20000               | workers.yaml: topics.orders.consumerGroups.billing.batchSize: '20000' is not a batch size
            endpoint not http        | endpoint: ftp://example.com/in | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'ftp://example.com/in' is not an http(s) URL
            endpoint without host    | endpoint: http:/hook           | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'http:/hook' has no valid host
            endpoint relative        | endpoint: /hook                | workers.yaml: topics.orders.consumerGroups.billing.endpoint: '/hook' is not an http(s) URL
            interval in capitals     | interval: 5S                   | workers.yaml: topics.orders.consumerGroups.billing.interval: '5S' is not a duration
            endpoint with user info  | endpoint: http://ann:pw@127.0.0.1/h | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'http://127.0.0.1/h' carries user info
            endpoint port too high   | endpoint: http://127.0.0.1:70000/h | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'http://127.0.0.1:70000/h' has port 70000; ports go up to 65535
            unknown key              | intervall: 5s                  | workers.yaml: topics.orders.consumerGroups.billing.intervall is not a known key (value '5s'); allowed here: batchSize, deadLetterOn4xx, deadLetterTopic, endpoint, interval, maxAttempts, maxBatchBytes, maxInterval, partitions
            max interval below it    | maxInterval: 500ms             | workers.yaml: topics.orders.consumerGroups.billing.maxInterval: '500ms' is below interval 1s; the wait doubles from interval up to maxInterval
            attempts negative        | maxAttempts: -1                | workers.yaml: topics.orders.consumerGroups.billing.maxAttempts: '-1' is not a number of attempts; allowed: 0 (no limit, retry until it succeeds) or 1 to 2147483647
            attempts too many        | maxAttempts: 3000000000        | workers.yaml: topics.orders.consumerGroups.billing.maxAttempts: '3000000000' is not a number of attempts; allowed: 0 (no limit, retry until it succeeds) or 1 to 2147483647
            attempts not a number    | maxAttempts: three             | workers.yaml: topics.orders.consumerGroups.billing.maxAttempts: 'three' is not a number of attempts: a whole number is expected (0 for no limit)
            attempts a fraction      | maxAttempts: 2.5               | workers.yaml: topics.orders.consumerGroups.billing.maxAttempts: '2.5' is not a number of attempts: a whole number is expected
            attempts a list          | maxAttempts: [3]               | workers.yaml: topics.orders.consumerGroups.billing.maxAttempts must be a single value (found [3])
            dead letters to itself   | deadLetterTopic: Orders        | workers.yaml: topics.orders.consumerGroups.billing.deadLetterTopic: 'Orders' is the topic itself; dead letters go to another topic than the one they failed on (default orders.dlq)
            dead-letter topic bad    | deadLetterTopic: orders/dlq    | workers.yaml: topics.orders.consumerGroups.billing.deadLetterTopic: Invalid topic name 'orders/dlq': character '/' at index 6 is not allowed
            dead-letter topic empty  | deadLetterTopic: ""            | workers.yaml: topics.orders.consumerGroups.billing.deadLetterTopic: Invalid topic name '' (0 characters)
            dead letters on 4xx yes  | deadLetterOn4xx: "yes"         | workers.yaml: topics.orders.consumerGroups.billing.deadLetterOn4xx: 'yes' is not a boolean; allowed: true or false
            dead letters on 4xx TRUE | deadLetterOn4xx: "TRUE"        | workers.yaml: topics.orders.consumerGroups.billing.deadLetterOn4xx: 'TRUE' is not a boolean; allowed: true or false
            batch bytes zero         | maxBatchBytes: 0               | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '0' is not a byte count; allowed: 1 or more (a fetch always takes at least one message, however large)
            batch bytes zero KiB     | maxBatchBytes: 0KiB            | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '0KiB' is 0 bytes: '0' is not a byte count; allowed: 1 or more
            batch bytes in MB        | maxBatchBytes: 4MB             | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '4MB' is not a byte count: use a whole number of bytes, or of KiB or MiB, such as 65536, 512KiB or 4MiB
            batch bytes lower case   | maxBatchBytes: 4mib            | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '4mib' is not a byte count: use a whole number of bytes, or of KiB or MiB
            batch bytes with a space | maxBatchBytes: 4 MiB           | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '4 MiB' is not a byte count
            batch bytes a fraction   | maxBatchBytes: 1.5MiB          | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '1.5MiB' is not a byte count
            batch bytes negative     | maxBatchBytes: -1              | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '-1' is not a byte count
            batch bytes too many     | maxBatchBytes: 99999999999999MiB | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '99999999999999MiB' is not a byte count: it is too large
            """)
    void refusesABadSettingNamingFileKeyAndValue(String name, String setting, String message) throws Exception {
        String key = setting.substring(0, setting.indexOf(':'));
        StringBuilder group = new StringBuilder();
        // dead letters on, so that the dead-letter settings are checked
        for (String line : List.of("partitions: [0]", "endpoint: http://127.0.0.1:9000/hook", "interval: 1s",
                "maxAttempts: 3")) {
            if (!line.startsWith(key + ":")) {
                group.append("        ").append(line).append('\n');
            }
        }
        group.append("        ").append(setting).append('\n');
        Path workers = file("workers.yaml", "topics:\n  orders:\n    consumerGroups:\n      billing:\n" + group);

        assertThatThrownBy(() -> WorkerFile.read(workers)).isInstanceOf(WorkerConfigException.class)
                .message().startsWith(dir.resolve("workers.yaml") + ": " + message.substring("workers.yaml: ".length()));
    }

    @Test
    void refusesAWorkerWithoutEndpoint() throws Exception {
        Path workers = file("workers.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], interval: 5s }
                """);

        assertThatThrownBy(() -> WorkerFile.read(workers)).isInstanceOf(WorkerConfigException.class)
                .hasMessage(workers + ": topics.orders.consumerGroups.billing.endpoint is missing; it is required");
    }

    @Test
    void refusesMalformedYamlWithItsLine() throws Exception {
        Path workers = file("workers.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0, endpoint: http://x
                """);

        assertThatThrownBy(() -> WorkerFile.read(workers)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(workers + ": not valid YAML at line ");
    }

    @Test
    void refusesMalformedJson() throws Exception {
        Path workers = file("workers.json", "{\"topics\": {\"orders\": }");

        assertThatThrownBy(() -> WorkerFile.read(workers)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(workers + ": not valid JSON at line 1, column ");
    }

    @Test
    void refusesAnInvalidTopicOrGroupName() throws Exception {
        Path badTopic = file("topic.yaml", """
                topics:
                  "bad topic":
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "http://127.0.0.1/x" }
                """);
        Path badGroup = file("group.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      "": { partitions: [0], endpoint: "http://127.0.0.1/x" }
                """);

        assertThatThrownBy(() -> WorkerFile.read(badTopic)).hasMessageStartingWith(badTopic
                + ": topics.bad topic: Invalid topic name 'bad topic'");
        assertThatThrownBy(() -> WorkerFile.read(badGroup)).hasMessageStartingWith(badGroup
                + ": topics.orders.consumerGroups.: ");
    }

    @Test
    void refusesAKeyGivenTwiceInYamlOrJson() throws Exception {
        Path yaml = file("twice.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "http://127.0.0.1/a" }
                      billing: { partitions: [1], endpoint: "http://127.0.0.1/b", interval: 5x }
                """);
        Path json = file("twice.json", """
                {"topics": {"orders": {"consumerGroups": {"g": {"partitions": [0], "endpoint": "http://127.0.0.1/a"}}},
                            "orders": {"consumerGroups": {}}}}
                """);

        assertThatThrownBy(() -> WorkerFile.read(yaml)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(yaml + ": not valid YAML at line ").hasMessageContaining("'billing'");
        assertThatThrownBy(() -> WorkerFile.read(json)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(json + ": not valid JSON at line ").hasMessageContaining("'orders'");
    }

    @Test
    void refusesASecondYamlDocumentOrTrailingJson() throws Exception {
        Path yaml = file("two.yaml", """
                topics:
                  orders: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/a" } } }
                ---
                topics:
                  payments: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/b" } } }
                """);
        Path json = file("trailing.json", """
                {"topics": {"orders": {"consumerGroups": {"g": {"partitions": [0], "endpoint": "http://127.0.0.1/a"}}}}}}
                """);

        assertThatThrownBy(() -> WorkerFile.read(yaml)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(yaml + ": not valid YAML at line ");
        assertThatThrownBy(() -> WorkerFile.read(json)).isInstanceOf(WorkerConfigException.class)
                .hasMessageStartingWith(json + ": not valid JSON at line ");
    }

    @Test
    void refusesTwoTopicsThatDifferInCaseOnly() throws Exception {
        Path workers = file("workers.yaml", """
                topics:
                  orders: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/a" } } }
                  Orders: { consumerGroups: { g: { partitions: [0], endpoint: "http://127.0.0.1/b" } } }
                """);

        assertThatThrownBy(() -> WorkerFile.read(workers)).hasMessage(workers + ": topics.Orders and topics.orders"
                + " differ in case only, and SQLite's table names ignore case; give them distinct names");
    }

    @Test
    void refusesAGroupNameThatIsNotKafkaLike() throws Exception {
        Path workers = file("workers.yaml", """
                topics:
                  orders:
                    consumerGroups:
                      "a+b": { partitions: [0], endpoint: "http://127.0.0.1/x" }
                """);

        assertThatThrownBy(() -> WorkerFile.read(workers)).hasMessage(workers + ": topics.orders.consumerGroups.a+b:"
                + " 'a+b' is not a worker group name; use 1 to 249 characters of [A-Za-z0-9._-]");
    }

    @Test
    void routeIdsCannotCollide() throws Exception {
        List<HttpWorker> workers = WorkerFile.read(file("workers.yaml", """
                topics:
                  a-b: { consumerGroups: { c: { partitions: [0], endpoint: "http://127.0.0.1/x" } } }
                  a: { consumerGroups: { b-c: { partitions: [0], endpoint: "http://127.0.0.1/x" } } }
                """));

        assertThat(workers).extracting(HttpWorker::routeId).containsExactly("worker:a-b:c:0", "worker:a:b-c:0");
    }

    @Test
    void refusesAnEmptyFileAndMisplacedKeys() throws Exception {
        Path empty = file("empty.yaml", "");
        Path typo = file("typo.yaml", "topic:\n  orders: {}\n");
        Path noGroups = file("nogroups.yaml", "topics:\n  orders:\n    groups: {}\n");

        assertThatThrownBy(() -> WorkerFile.read(empty)).hasMessage(empty
                + ": the file is empty; it needs 'topics:' with at least one topic");
        assertThatThrownBy(() -> WorkerFile.read(typo)).hasMessage(typo
                + ": topic is not a known key (value {\"orders\":{}}); allowed here: topics");
        assertThatThrownBy(() -> WorkerFile.read(noGroups)).hasMessage(noGroups
                + ": topics.orders.groups is not a known key (value {}); allowed here: consumerGroups");
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
