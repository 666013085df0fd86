package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.examples.CamelQuickStart;
import io.klite.log.GroupOffset;
import io.klite.log.KliteLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Camel examples run as printed: its Java DSL quick start, and its YAML routes on camel-main. */
class KliteReadmeExamplesRunTest {

    private static final Path README = Path.of("../README.md");

    @TempDir
    Path dir;

    @Test
    void javaQuickStartProducesAndConsumes() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/klite/examples/CamelQuickStart.java"));
        assertThat(Files.readString(README)).as("the README shows CamelQuickStart as it is")
                .contains(source.substring(source.indexOf("import "), source.indexOf("\n/**")))
                .contains(source.substring(source.indexOf("public class")));

        Path db = dir.resolve("camel-quickstart.db");
        System.setProperty("camel.component.klite.database", db.toString());
        try {
            CamelQuickStart.main(new String[] {"-duration", "3"});
        } finally {
            System.clearProperty("camel.component.klite.database");
        }
        try (KliteLog log = KliteLog.open(db)) {
            assertThat(log.partitionCount("orders")).isEqualTo(3);
            assertThat(log.groups()).extracting(GroupOffset::group).containsOnly("billing");
            assertThat(log.groups().stream().mapToLong(GroupOffset::committedOffset).sum()).isPositive();
            assertThat(payloads(log)).allMatch(payload -> payload.matches("\\{\"orderId\": \\d+}"));
        }
    }

    /** Every payload of the topic orders, as text. */
    private static List<String> payloads(KliteLog log) {
        List<String> payloads = new ArrayList<>();
        for (int p = 0; p < log.partitionCount("orders"); p++) {
            log.read("orders", p, 0, 1000).forEach(m -> payloads.add(new String(m.payload(), StandardCharsets.UTF_8)));
        }
        assertThat(payloads).isNotEmpty();
        return payloads;
    }

    @Test
    void yamlRoutesProduceAndConsume() throws Exception {
        String readme = Files.readString(README);
        Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(yaml.find(readme.indexOf("## Using Klite from Camel"))).as("a yaml block in the README's Camel section")
                .isTrue();
        Path routes = Files.writeString(dir.resolve("orders.yaml"), yaml.group(1));
        Path db = dir.resolve("orders.db");

        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + routes);
        main.addInitialProperty("camel.component.klite.database", db.toString());
        main.start();
        try (KliteLog log = KliteLog.open(db)) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                    log.groups().stream().mapToLong(GroupOffset::committedOffset).sum()).isGreaterThanOrEqualTo(2));
            assertThat(payloads(log)).allMatch(payload -> payload.matches("\\{\"orderId\": \\d+}"));
        } finally {
            main.stop();
        }
    }
}
