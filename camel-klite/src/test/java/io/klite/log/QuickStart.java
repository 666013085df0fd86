package io.klite.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's Java example, runnable: {@code mvn -B -q -pl camel-klite test-compile exec:java}. Run it twice: the
 * second run continues after the offsets the first one committed.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "data/quickstart.db");
        try (KliteLog log = KliteLog.open(file)) {
            log.createTopic("orders", 4);

            // produce: the key picks the partition, as Kafka's default partitioner would
            int partition = KliteLog.partitionFor("customer-42", 4);
            long offset = log.send("orders", partition, "customer-42", "{\"orderId\":123}");
            BatchResult batch = log.sendBatch("orders", partition, List.of("{\"orderId\":124}", "{\"orderId\":125}"));
            System.out.printf("sent offset %d, then a batch at %d..%d, to orders-%d%n",
                    offset, batch.firstOffset(), batch.lastOffset(), partition);

            // consume: fetch after the group's committed offset, process, commit the last processed offset
            for (Message message : log.fetch("billing", "orders", partition, 100)) {
                System.out.printf("billing got offset %d: %s%n",
                        message.offset(), new String(message.payload(), StandardCharsets.UTF_8));
                log.commit("billing", "orders", partition, message.offset());
            }

            for (GroupOffset group : log.groups()) {
                System.out.printf("group %s on %s-%d: committed %d of %d, lag %d%n", group.group(), group.topic(),
                        group.partition(), group.committedOffset(), group.endOffset(), group.lag());
            }
            System.out.println("stored in " + log.path());
        }
    }
}
