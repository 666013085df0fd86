package io.klite.runtime;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import io.klite.log.TopicConfig;
import io.klite.runtime.api.ApiClient;
import io.klite.runtime.worker.HttpWorker;
import io.klite.runtime.worker.WorkerFile;
import io.klite.log.DeadLetter;
import io.klite.log.Message;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's section on the service shows what the service does: its worker file, route template and defaults. */
class KliteRuntimeReadmeExamplesTest {

    private static final Path README = Path.of(System.getProperty("klite.repository", ".."), "README.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A curl line of the API's examples for a topic's settings: its method where PUT, path and body. */
    private static final Pattern CONFIG_CURL = Pattern.compile("curl (-X PUT )?http://127\\.0\\.0\\.1:8080"
            + "(/topics/orders/config)(?: -H 'Content-Type: application/json' -d '(.*)')?");

    @TempDir
    Path dir;

    @Test
    void theWorkerFileExampleReads() throws Exception {
        Path file = Files.writeString(dir.resolve("workers.yaml"), yamlBlock("### Workers", 0));

        List<HttpWorker> workers = WorkerFile.read(file);

        assertThat(workers).extracting(HttpWorker::routeId).containsExactly("worker:orders:billing:0",
                "worker:orders:billing:1", "worker:orders:analytics:0", "worker:orders:analytics:1",
                "worker:orders:analytics:2", "worker:orders:analytics:3");
    }

    @Test
    void theRouteTemplateExampleDelivers() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            String route = yamlBlock("### Workers", 1).replace("http://127.0.0.1:9000/ledger", sink.url("/ledger"));
            Files.createDirectories(dir.resolve("routes"));
            Files.writeString(dir.resolve("routes/ledger.yaml"), route);

            try (RunningKlite klite = RunningKlite.start(dir, Map.of(
                    "camel.main.routesIncludePattern", "file:" + dir.resolve("routes") + "/*.yaml"))) {
                klite.file().send("payments", 0, "{\"id\": 1}");
                await().atMost(15, SECONDS).until(() -> klite.file().committed("ledger", "payments", 0).orElse(0) == 1);
                assertThat(sink.received()).hasSize(1);
                assertThat(klite.context().getRoute("payments-ledger-0")).isNotNull();
            }
        }
    }

    @Test
    void theFailuresExampleDeadLettersAnOrderThatIsNotJsonAndBillsTheRest() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/billing.yaml"), yamlBlock("## Failures", 0));

        try (RunningKlite klite = RunningKlite.start(dir, Map.of(
                "camel.main.routesIncludePattern", "file:" + dir.resolve("routes") + "/*.yaml"))) {
            klite.file().send("orders", 0, "{\"orderId\": 1}");
            klite.file().send("orders", 0, "not json");
            klite.file().send("orders", 0, "{\"orderId\": 3}");

            await().atMost(15, SECONDS).until(() -> klite.file().committed("billing", "orders", 0).orElse(0) == 3);
            List<Message> dead = klite.file().read("orders.dlq", 0, 0, 10);
            assertThat(dead).singleElement().satisfies(letter -> {
                assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).isEqualTo("not json");
                assertThat(letter.headers()).containsEntry(DeadLetter.ORIGINAL_OFFSET, "2")
                        .containsEntry(DeadLetter.ATTEMPTS, "1");
            });
            await().atMost(15, SECONDS).until(() -> klite.file().committed("billing-alerts", "orders.dlq", 0)
                    .orElse(0) == 1);
        }
        // read, not run: its endpoint is an example's
        Path workers = Files.writeString(dir.resolve("example-workers.yaml"), yamlBlock("## Failures", 1));
        assertThat(WorkerFile.read(workers)).singleElement()
                .satisfies(worker -> assertThat(worker.maxInterval()).hasSeconds(30));
    }

    @Test
    void theSettingsTableShowsTheBundledDefaults() throws Exception {
        Properties bundled = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            bundled.load(in);
        }
        String readme = Files.readString(README);
        for (String key : List.of("camel.component.klite.database", "camel.server.host", "camel.server.port",
                "klite.worker.timeout", "klite.api.maxBodySize", "camel.main.shutdownTimeout")) {
            assertThat(readme).contains("| `" + key + "` | `" + bundled.getProperty(key) + "` |");
        }
    }

    @Test
    void theTopicSettingsExampleSetsRetentionAndLogsWhatItShows() throws Exception {
        Properties example = new Properties();
        example.load(new StringReader(block("properties", "### Settings", 0)));
        List<String> shownLines = Files.readAllLines(README).stream()
                .filter(line -> line.startsWith("[INFO] TopicSettings - ")).toList();
        try (KliteLog file = KliteLog.open(dir.resolve("klite.db"))) {
            file.createTopic("orders", 1);
        }
        Map<String, String> settings = new HashMap<>();
        example.stringPropertyNames().forEach(key -> settings.put(key, example.getProperty(key)));

        List<String> lines = StandardError.linesDuring(() -> {
            try (RunningKlite klite = RunningKlite.start(dir, settings)) {
                assertThat(klite.file().topicConfig("orders"))
                        .isEqualTo(new TopicConfig(Duration.ofDays(7), 1_000_000L, true));
                assertThat(klite.file().partitionCount("invoices")).isZero();
            }
        });

        assertThat(lines.stream().filter(line -> line.contains("] TopicSettings - "))
                .map(line -> line.substring(line.indexOf('[')))).containsExactlyElementsOf(shownLines);
    }

    @Test
    void theTopicConfigCurlExamplesAnswerWhatTheyShow() throws Exception {
        List<String> readme = Files.readAllLines(README);
        int from = readme.indexOf("### HTTP API");
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            klite.file().createTopic("orders", 1);
            ApiClient api = new ApiClient(klite.api());
            int examples = 0;
            for (int i = from; i < readme.size() && !readme.get(i).startsWith("## "); i++) {
                Matcher curl = CONFIG_CURL.matcher(readme.get(i));
                if (!curl.matches()) {
                    continue;
                }
                ApiClient.Answer answer = curl.group(1) == null ? api.get(curl.group(2))
                        : api.put(curl.group(2), curl.group(3));
                assertThat(answer.json()).as(readme.get(i))
                        .isEqualTo(JSON.readTree(readme.get(i + 1).substring("# ".length())));
                examples++;
            }
            assertThat(examples).isEqualTo(3);
        }
    }

    /** The n-th YAML block after a heading of the README. */
    private static String yamlBlock(String heading, int n) throws Exception {
        return block("yaml", heading, n);
    }

    /** The n-th block of the language after a heading of the README. */
    private static String block(String language, String heading, int n) throws Exception {
        String readme = Files.readString(README);
        Matcher block = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int from = readme.indexOf(heading);
        assertThat(from).as(heading).isNotNegative();
        for (int i = 0; i <= n; i++) {
            assertThat(block.find(i == 0 ? from : block.end())).as(language + " block " + n + " after " + heading)
                    .isTrue();
        }
        return block.group(1);
    }
}
