package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.KliteMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.camel.Exchange;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo route file {@code routes/demo-orders.yaml}, as the repository has it, run by the service twice: once as it
 * is (a {@code klite:} topic in a temporary file), once with its endpoints and headers swapped for camel-kafka's as
 * the README's "Moving to Kafka" tables give them, against a real broker. Both runs deliver the same way: every order
 * produced is consumed once by the group, on the partition Kafka's own partitioner gives its customer key (the same
 * number on both), in order per partition, and the group's committed offset is the same number on both, each in its
 * own convention (Klite: the last offset processed, from 1; Kafka: the next one to read, from 0).
 */
class KliteDemoRouteDeliversTheSameOnKafkaTest {

    static {
        // the Kafka clients print every setting at INFO each time one is made, and a WARN every 100 ms while the
        // broker starts
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
    }

    private static final Path REPOSITORY = Path.of(System.getProperty("klite.repository", ".."));
    private static final Path DEMO = REPOSITORY.resolve("routes/demo-orders.yaml");
    private static final Path README = REPOSITORY.resolve("README.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TOPIC = "demo-orders";
    private static final String GROUP = "demo-shipping";
    private static final int PARTITIONS = 2;
    private static final int ORDERS = 40;

    /** Both runs: {@value #ORDERS} orders 20 ms apart instead of one every 2 seconds for ever. */
    private static final Swap FASTER = new Swap("timer:demo-orders?period=2000&",
            "timer:demo-orders?period=20&repeatCount=" + ORDERS + "&", 1, null);

    /**
     * The move, in the order applied: each {@code klite:} text of the demo with its camel-kafka text, how often the demo
     * has it, and the row of the README's tables that says so. The topic exists in Kafka beforehand (the test creates
     * it with the demo's partition count: {@code partitionCount} has no counterpart), the brokers come from
     * {@code camel.component.kafka.brokers}.
     */
    private static final List<Swap> TO_KAFKA = List.of(
            new Swap("klite:demo-orders?partitionCount=2", "kafka:demo-orders?recordMetadata=true", 1,
                    "| `partitionCount` | none |"),
            new Swap("klite:demo-orders?group=demo-shipping&partitionCount=2",
                    "kafka:demo-orders?groupId=demo-shipping&autoOffsetReset=earliest", 1,
                    "| `group` | `groupId` |"),
            // a producer's results: camel-kafka sets them only with recordMetadata=true, as a list of RecordMetadata
            new Swap("to demo-orders partition ${header.CamelKlitePartition} at offset ${header.CamelKliteOffset}",
                    "to demo-orders partition ${header[kafka.RECORD_META][0].partition} at offset"
                    + " ${header[kafka.RECORD_META][0].offset}", 1,
                    "`${header[kafka.RECORD_META][0].partition}`"),
            new Swap("CamelKliteKey", "kafka.KEY", 2, "| `CamelKliteKey` | `kafka.KEY` |"),
            new Swap("CamelKlitePartition", "kafka.PARTITION", 1, "| `CamelKlitePartition` | `kafka.PARTITION` |"),
            new Swap("CamelKliteOffset", "kafka.OFFSET", 1, "| `CamelKliteOffset` | `kafka.OFFSET` |"));

    @TempDir
    Path dir;

    @Test
    void theDemoRouteDeliversTheSameOnKliteAndOnKafka() throws Exception {
        // the broker starts in its own JVM (5 to 9 s) while the Klite run goes on
        CompletableFuture<KafkaBroker> starting = CompletableFuture.supplyAsync(KafkaBroker::shared);
        String demo = Files.readString(DEMO);
        String onKlite = FASTER.apply(demo);
        String onKafka = FASTER.apply(onKafka(demo));

        // Klite's committed offset is the last offset processed, and its first offset is 1: after n messages, n
        Run klite = run(new Run("klite", 1, "CamelKlitePartition", "CamelKliteOffset"), onKlite, Map.of(),
                database -> {
                    try (KliteLog file = KliteLog.open(database)) {
                        Map<Integer, Long> committed = new TreeMap<>();
                        for (int partition = 0; partition < PARTITIONS; partition++) {
                            int p = partition;
                            file.committed(GROUP, TOPIC, p).ifPresent(offset -> committed.put(p, offset));
                        }
                        return committed;
                    }
                });
        klite.assertDelivered();

        KafkaBroker broker = starting.get(2, MINUTES);
        broker.createTopic(TOPIC, PARTITIONS);
        // Kafka's committed offset is the next offset to read, and its first offset is 0: after n messages, n too.
        // The brokers as a component setting, as the README says. Kafka's client commits while it polls, here every
        // 0.2 s, not 5 (camel-kafka's stop commits nothing more), and a stop waits out a poll of 0.5 s, not 5
        Run kafka = run(new Run("kafka", 0, "kafka.PARTITION", "kafka.OFFSET"), onKafka,
                Map.of("camel.component.kafka.brokers", broker.bootstrapServers(),
                        "camel.component.kafka.autoCommitIntervalMs", "200",
                        "camel.component.kafka.pollTimeoutMs", "500"),
                database -> kafkaCommitted(broker));
        kafka.assertDelivered();
        assertThat(kafka.partitionByKey()).as("each customer key's partition, where both runs had the key")
                .containsAllEntriesOf(filterKeys(klite.partitionByKey(), kafka.partitionByKey()));
    }

    @Test
    void theReadmeShowsTheDemoOnKafkaAndEachSwap() throws Exception {
        String readme = Files.readString(README);
        int from = readme.indexOf("\n## Moving to Kafka\n");
        assertThat(from).as("README section Moving to Kafka").isPositive();
        String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
        int yaml = section.indexOf("```yaml\n") + "```yaml\n".length();
        String shown = section.substring(yaml, section.indexOf("```", yaml));

        assertThat(shown.strip()).isEqualTo(routeText(onKafka(Files.readString(DEMO))));
        assertThat(TO_KAFKA).allSatisfy(swap -> assertThat(section).contains(swap.readme()));
    }

    /** The demo's routes swapped to camel-kafka's endpoints and headers; nothing of {@code klite:} left. */
    private static String onKafka(String demo) {
        String swapped = demo;
        for (Swap swap : TO_KAFKA) {
            swapped = swap.apply(swapped);
        }
        assertThat(routeText(swapped)).as("the demo on Kafka").doesNotContain("klite:", "CamelKlite");
        return swapped;
    }

    /** A route file without its comment lines. */
    private static String routeText(String yaml) {
        return yaml.lines().filter(line -> !line.stripLeading().startsWith("#"))
                .collect(Collectors.joining("\n")).strip();
    }

    /**
     * Runs the routes in the service until the group has consumed as many orders as were produced and its committed
     * offsets, by partition, are the counts it consumed there; then stops it.
     */
    private Run run(Run run, String routes, Map<String, String> settings, Committed committed) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(run.name));
        Path file = Files.writeString(folder.resolve("demo-orders.yaml"), routes);
        Deliveries deliveries = run.deliveries;
        KliteMain main = new KliteMain();
        Path database = folder.resolve("klite.db");
        main.addOverrideProperty("camel.component.klite.database", database.toString());
        main.addOverrideProperty("camel.server.port", "0");
        main.addOverrideProperty("camel.main.routesIncludePattern", "file:" + file);
        settings.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                configured.getCamelContext().getManagementStrategy().addEventNotifier(deliveries);
            }
        });
        long start = System.nanoTime();
        main.start();
        try {
            await().atMost(20, SECONDS).until(() -> deliveries.produced.get() >= ORDERS
                                                    && deliveries.consumed.size() >= ORDERS);
            await().atMost(15, SECONDS).untilAsserted(() -> assertThat(committed.read(database))
                    .as("%s: the group's committed offsets", run.name).isEqualTo(run.countByPartition()));
        } finally {
            main.stop();
        }
        System.out.printf("demo route on %s: %d orders produced and consumed in %d ms%n", run.name, ORDERS,
                (System.nanoTime() - start) / 1_000_000);
        return run;
    }

    private static Map<Integer, Long> kafkaCommitted(KafkaBroker broker) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin().listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, SECONDS);
        return offsets.entrySet().stream().filter(entry -> entry.getKey().topic().equals(TOPIC))
                .collect(Collectors.toMap(entry -> entry.getKey().partition(), entry -> entry.getValue().offset(),
                        (a, b) -> b, TreeMap::new));
    }

    private static <V> Map<String, V> filterKeys(Map<String, V> map, Map<String, ?> keep) {
        return map.entrySet().stream().filter(entry -> keep.containsKey(entry.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Kafka's own partitioner for a String key: murmur2 of its UTF-8 bytes, made positive, modulo the count. */
    private static int kafkaPartition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Where a run's group stands: its committed offset by partition, read while the service runs. */
    private interface Committed {

        Map<Integer, Long> read(Path database) throws Exception;
    }

    /** A text of the demo file and what takes its place; {@code times}: how often the demo has it. */
    private record Swap(String from, String to, int times, String readme) {

        String apply(String text) {
            int found = text.split(Pattern.quote(from), -1).length - 1;
            assertThat(found).as("occurrences of '%s' in %s", from, DEMO).isEqualTo(times);
            return text.replace(from, to);
        }
    }

    /** What the demo's two routes completed: the producer's exchanges counted, the consumer's kept. */
    private static final class Deliveries extends EventNotifierSupport {

        final AtomicInteger produced = new AtomicInteger();
        final List<Exchange> consumed = new CopyOnWriteArrayList<>();
        final List<Exchange> failed = new CopyOnWriteArrayList<>();

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof ExchangeCompletedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            Exchange exchange = ((ExchangeCompletedEvent) event).getExchange();
            if (exchange.getException() != null) {
                failed.add(exchange);
            } else if ("demo-produce-orders".equals(exchange.getFromRouteId())) {
                produced.incrementAndGet();
            } else if ("demo-ship-orders".equals(exchange.getFromRouteId())) {
                consumed.add(exchange.copy());
            }
        }
    }

    /** One run's deliveries to the group, in the order the route got them, read with that run's header names. */
    private static final class Run {

        final String name;
        final Deliveries deliveries = new Deliveries();
        private final long firstOffset;
        private final String partitionHeader;
        private final String offsetHeader;

        Run(String name, long firstOffset, String partitionHeader, String offsetHeader) {
            this.name = name;
            this.firstOffset = firstOffset;
            this.partitionHeader = partitionHeader;
            this.offsetHeader = offsetHeader;
        }

        /**
         * Every order 1..{@value #ORDERS} consumed exactly once, none failed, each on its key's partition; per
         * partition, order ids rising and offsets contiguous from the log's first offset.
         */
        void assertDelivered() {
            assertThat(deliveries.failed).as("%s: failed exchanges", name).isEmpty();
            assertThat(deliveries.produced).as("%s: orders produced", name).hasValue(ORDERS);
            List<Order> orders = orders();
            assertThat(orders).extracting(Order::id).as("%s: orders consumed", name)
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, ORDERS).boxed().toList());
            assertThat(orders).as("%s: each on its key's partition", name)
                    .allSatisfy(order -> assertThat(order.partition()).as(order.toString())
                            .isEqualTo(kafkaPartition(order.customer())));
            assertThat(countByPartition().keySet()).as("%s: partitions used", name).containsExactly(0, 1);
            for (int partition = 0; partition < PARTITIONS; partition++) {
                int p = partition;
                List<Order> inPartition = orders.stream().filter(order -> order.partition() == p).toList();
                assertThat(inPartition).extracting(Order::id).as("%s: order ids in partition %d", name, p).isSorted();
                assertThat(inPartition).extracting(Order::offset).as("%s: offsets in partition %d", name, p)
                        .containsExactlyElementsOf(LongStream.range(firstOffset, firstOffset + inPartition.size())
                                .boxed().toList());
            }
        }

        Map<String, Integer> partitionByKey() {
            return orders().stream().collect(Collectors.toMap(Order::customer, Order::partition, (a, b) -> a));
        }

        Map<Integer, Long> countByPartition() {
            return orders().stream()
                    .collect(Collectors.groupingBy(Order::partition, TreeMap::new, Collectors.counting()));
        }

        private List<Order> orders() {
            List<Order> orders = new ArrayList<>();
            for (Exchange exchange : deliveries.consumed) {
                JsonNode body = json(exchange.getMessage().getBody(String.class));
                orders.add(new Order(body.get("orderId").asInt(), body.get("customer").asText(),
                        exchange.getMessage().getHeader(partitionHeader, Integer.class),
                        exchange.getMessage().getHeader(offsetHeader, Long.class)));
            }
            return orders;
        }

        private static JsonNode json(String body) {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("Not the demo's JSON order: " + body, e);
            }
        }
    }

    private record Order(int id, String customer, Integer partition, Long offset) {
    }
}
