package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumers of one group in separate Camel contexts, each with its own component and connections to the file, as
 * separate processes would have (the child-JVM tests cover kills and pauses): they split the topic's partitions by
 * range assignment, and when one stops the others take its partitions and go on from its last commit, each message
 * delivered once and in order per partition. A consumer given a partition by hand waits while another holds it.
 */
class KliteConsumersShareAGroupsPartitionsTest {

    private static final String OPTIONS = "group=billing&initialDelay=0&delay=20&heartbeatInterval=100"
                                          + "&sessionTimeout=3000";

    @TempDir
    Path dir;
    private final List<CamelContext> contexts = new ArrayList<>();
    private KliteLog file;
    /** Bodies received, by which member (context) received them. */
    private final Map<String, List<String>> received = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
        if (file != null) {
            file.close();
        }
    }

    @Test
    void twoConsumersSplitFourPartitionsAndTheSurvivorTakesAllWhenOneStops() throws Exception {
        file().createTopic("orders", 4);
        CamelContext a = consumer("a", "klite:orders?" + OPTIONS);
        CamelContext b = consumer("b", "klite:orders?" + OPTIONS);
        await().untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .extracting(m -> m.partitions().size()).containsExactly(2, 2));
        List<String> sent = sendRound(0, 20);
        await().until(() -> delivered().size() == sent.size());
        assertThat(received.get("a")).isNotEmpty();
        assertThat(received.get("b")).isNotEmpty();

        a.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .singleElement().extracting(Member::partitions).isEqualTo(List.of(0, 1, 2, 3)));
        List<String> more = sendRound(20, 20);

        await().until(() -> delivered().size() == sent.size() + more.size());
        assertThat(delivered()).as("each message once").doesNotHaveDuplicates();
        assertInOrderPerPartition();
        for (int partition = 0; partition < 4; partition++) {
            assertThat(file().committed("billing", "orders", partition)).hasValue(10);
        }
        assertThat(b.isStarted()).isTrue();
    }

    @Test
    void aThirdConsumerJoiningTakesItsShareAndNothingIsDeliveredTwice() throws Exception {
        file().createTopic("orders", 6);
        consumer("a", "klite:orders?" + OPTIONS);
        consumer("b", "klite:orders?" + OPTIONS);
        List<String> sent = new ArrayList<>(sendRound(0, 30));
        await().until(() -> delivered().size() == sent.size());

        consumer("c", "klite:orders?" + OPTIONS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .extracting(m -> m.partitions().size()).containsExactly(2, 2, 2));
        sent.addAll(sendRound(30, 30));

        await().until(() -> delivered().size() == sent.size());
        assertThat(delivered()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received.get("c")).isNotEmpty();
        assertInOrderPerPartition();
    }

    @Test
    void aSuspendedRouteGivesItsPartitionsToTheOthersAndTakesItsShareBackOnResume() throws Exception {
        file().createTopic("orders", 2);
        CamelContext a = consumer("a", "klite:orders?" + OPTIONS);
        consumer("b", "klite:orders?" + OPTIONS);
        await().untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .extracting(m -> m.partitions().size()).containsExactly(1, 1));

        a.getRouteController().suspendRoute(a.getRoutes().get(0).getRouteId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .singleElement().extracting(Member::partitions).isEqualTo(List.of(0, 1)));
        List<String> sent = sendRound(0, 4);
        await().until(() -> delivered().size() == sent.size());
        assertThat(received.get("b")).containsExactlyInAnyOrderElementsOf(sent);

        a.getRouteController().resumeRoute(a.getRoutes().get(0).getRouteId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .extracting(m -> m.partitions().size()).containsExactly(1, 1));
        List<String> more = sendRound(4, 4);
        await().until(() -> delivered().size() == sent.size() + more.size());
        assertThat(received.get("a")).isNotEmpty();
        assertThat(delivered()).doesNotHaveDuplicates();
    }

    @Test
    void aConsumerOfAListedPartitionWaitsAsStandbyAndTakesOverWhenTheHolderStops() throws Exception {
        file().createTopic("orders", 2);
        CamelContext first = consumer("first", "klite:orders?partition=0&" + OPTIONS);
        await().until(() -> !file().leases("billing", "orders").isEmpty());
        consumer("standby", "klite:orders?partition=0&" + OPTIONS);
        sendTo(0, "p0-1", "p0-2");
        await().until(() -> delivered().size() == 2);
        assertThat(received).containsOnlyKeys("first");

        first.stop();
        sendTo(0, "p0-3");

        await().atMost(Duration.ofSeconds(10)).until(() -> received.containsKey("standby"));
        assertThat(received.get("standby")).containsExactly("p0-3");
        assertThat(file().liveMembers("billing", "orders")).singleElement()
                .satisfies(m -> {
                    assertThat(m.assigned()).containsExactly(0);
                    assertThat(m.partitions()).containsExactly(0);
                });
    }

    private CamelContext consumer(String name, String uri) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getComponent("klite", KliteComponent.class).getConfiguration()
                .setDatabase(dir.resolve("klite.db").toString());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(exchange -> received.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>())
                        .add(exchange.getIn().getBody(String.class)));
            }
        });
        context.start();
        contexts.add(context);
        return context;
    }

    /** Sends {@code count} messages, "p{partition}-{n}", round robin over the topic's partitions from {@code from}. */
    private List<String> sendRound(int from, int count) {
        int partitions = file().partitionCount("orders");
        List<String> sent = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            int partition = i % partitions;
            String body = "p" + partition + "-" + (i / partitions + 1);
            sendTo(partition, body);
            sent.add(body);
        }
        return sent;
    }

    private void sendTo(int partition, String... bodies) {
        for (String body : bodies) {
            file().send("orders", partition, body);
        }
    }

    private List<String> delivered() {
        List<String> all = new ArrayList<>();
        received.values().forEach(all::addAll);
        return all;
    }

    /** Each partition's messages, taken across members in the order each member got them, rise by one. */
    private void assertInOrderPerPartition() {
        for (List<String> member : received.values()) {
            Map<String, Integer> last = new TreeMap<>();
            for (String body : member) {
                String partition = body.substring(0, body.indexOf('-'));
                int n = Integer.parseInt(body.substring(body.indexOf('-') + 1));
                assertThat(n).as(body + " after " + last.get(partition)).isGreaterThan(last.getOrDefault(partition, 0));
                last.put(partition, n);
            }
        }
    }

    private KliteLog file() {
        if (file == null) {
            file = KliteLog.open(dir.resolve("klite.db"));
        }
        return file;
    }
}
