package io.klite.examples;

import io.klite.camel.KliteConstants;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The README's Java DSL example, runnable from the repository root:
 * {@code mvn -B -pl camel-klite test-compile exec:java -Dexec.mainClass=io.klite.examples.CamelQuickStart -Dexec.args="-duration 5"}.
 */
public class CamelQuickStart {

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.addInitialProperty("camel.component.klite.database", "data/camel-quickstart.db");
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                // produce: an order every second; its key picks the partition, as Kafka's partitioner would
                from("timer:orders?period=1000&includeMetadata=true")
                        .setBody(simple("{\"orderId\": ${header.CamelTimerCounter}}"))
                        .setHeader(KliteConstants.KEY, simple("customer-${random(1,5)}"))
                        .to("klite:orders?partitionCount=3");

                // consume: group billing, one exchange per message, committed once the route has succeeded
                from("klite:orders?group=billing&partitionCount=3")
                        .log("billing got ${body} from partition ${header.CamelKlitePartition}"
                                + " at offset ${header.CamelKliteOffset}");
            }
        });
        main.run(args); // until Ctrl+C, or for -duration <seconds>
    }
}
