package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code klite:} endpoints work in Camel YAML DSL routes run by camel-main, found with no registration code, and the
 * component's defaults come from camel-main properties ({@code camel.component.klite.*}).
 */
class KliteYamlRoutesOnCamelMainTest {

    @TempDir
    Path dir;

    @Test
    void yamlRoutesProduceAndConsume() throws Exception {
        Path db = dir.resolve("data/yaml.db");
        Path routes = Files.writeString(dir.resolve("orders.yaml"), """
                - route:
                    id: intake
                    from:
                      uri: direct:intake
                      steps:
                        - to:
                            uri: klite:orders
                            parameters:
                              partitionCount: 2
                - route:
                    id: billing
                    from:
                      uri: klite:orders
                      parameters:
                        group: billing
                        partitionCount: 2
                        initialDelay: 0
                        delay: 50
                      steps:
                        - setBody:
                            simple: "${header.CamelKlitePartition}/${header.CamelKliteOffset}: ${bodyAs(String)}"
                        - to: mock:billed
                """);

        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + routes);
        main.addInitialProperty("camel.component.klite.database", db.toString());
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            MockEndpoint billed = context.getEndpoint("mock:billed", MockEndpoint.class);
            billed.expectedBodiesReceivedInAnyOrder("0/1: first", "1/1: second", "0/2: third");

            ProducerTemplate template = context.createProducerTemplate();
            template.sendBodyAndHeader("direct:intake", "first", KliteConstants.OVERRIDE_PARTITION, 0);
            template.sendBodyAndHeader("direct:intake", "second", KliteConstants.OVERRIDE_PARTITION, 1);
            template.sendBodyAndHeader("direct:intake", "third", KliteConstants.OVERRIDE_PARTITION, 0);

            billed.assertIsSatisfied();
        } finally {
            main.stop();
        }
        try (KliteLog log = KliteLog.open(db)) {
            assertThat(log.partitionCount("orders")).isEqualTo(2);
            await().untilAsserted(() -> assertThat(List.of(log.committed("billing", "orders", 0).orElse(-1),
                    log.committed("billing", "orders", 1).orElse(-1))).containsExactly(2L, 1L));
        }
    }
}
