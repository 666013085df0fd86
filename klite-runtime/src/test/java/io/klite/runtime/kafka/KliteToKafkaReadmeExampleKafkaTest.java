package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.RunningKlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's klite-to-kafka subsection shows what the template does: its YAML route runs, its error is the one. */
class KliteToKafkaReadmeExampleKafkaTest {

    private static final Path README = Path.of(System.getProperty("klite.repository", ".."), "README.md");
    private static final String SECTION = "### Mirroring a topic into Kafka: the klite-to-kafka template";

    @TempDir
    Path dir;

    @Test
    void theYamlRouteMirrorsTheTopic() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        // the example's Kafka topic is its Klite topic, orders: another name here, as the broker is shared
        String kafkaTopic = "readme-orders-" + System.nanoTime();
        kafka.createTopic(kafkaTopic, 3);
        String example = block("yaml", "");
        String route = example.replace("        value: kafka1:9092,kafka2:9092\n", "        value: "
                + kafka.bootstrapServers() + "\n      - name: kafkaTopic\n        value: " + kafkaTopic + "\n");
        assertThat(route).isNotEqualTo(example);
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mirror.yaml"), route);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
            log.send("orders", 1, "key-1", Map.of("source", "readme"), "{\"order\":1}");
        }

        try (RunningKlite klite = RunningKlite.start(dir, Map.of("camel.main.routesIncludePattern",
                "file:" + dir.resolve("routes") + "/*.yaml"))) {
            await().atMost(30, SECONDS).until(() -> klite.file().committed("kafka-mirror", "orders", 1).orElse(0) == 1);
            assertThat(klite.context().getRoute("orders-to-kafka")).isNotNull();
        }
        assertThat(KafkaReadBack.records(kafka.clientProperties(), kafkaTopic).get(1)).singleElement()
                .satisfies(record -> assertThat(new String(record.value())).isEqualTo("{\"order\":1}"));
    }

    @Test
    void theErrorShownIsTheChecksOwn() throws Exception {
        String shown = block("", KafkaCheckException.class.getName()).strip();

        assertThat(shown).isEqualTo(KafkaCheckException.class.getName() + ": " + KafkaTopicCheck
                .tooFewPartitions("kafka1:9092", "orders", 2, "orders", 3).getMessage());
    }

    /**
     * The first code block of the subsection whose fence names {@code language} ({@code ""}: a bare fence) and whose
     * text starts with {@code start}.
     */
    private static String block(String language, String start) throws Exception {
        String readme = Files.readString(README);
        int from = readme.indexOf(SECTION);
        assertThat(from).as(SECTION).isPositive();
        Matcher block = Pattern.compile("\n```" + language + "\n(" + Pattern.quote(start) + ".*?)```",
                Pattern.DOTALL).matcher(readme);
        assertThat(block.find(from)).as("a ```" + language + " block in " + SECTION).isTrue();
        return block.group(1);
    }
}
