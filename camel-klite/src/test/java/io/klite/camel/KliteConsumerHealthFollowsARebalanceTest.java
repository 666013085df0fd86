package io.klite.camel;

import static io.klite.camel.ConsumerHealth.detail;
import static io.klite.camel.ConsumerHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.log.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck.Result;
import org.apache.camel.health.HealthCheck.State;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health check follows the partitions in a rebalance: two consumers of one group in two Camel contexts on one
 * file (as two processes); the one holding the partition whose message keeps failing is DOWN; when its route stops,
 * the other takes the partition and is DOWN at once with the file's count and first failure (not after attempts and a
 * time of its own), and the stopped one's check reports its route stopped, not the partition; once the message goes
 * through, UP.
 */
class KliteConsumerHealthFollowsARebalanceTest {

    private static final String ROUTE = "klite:orders?group=billing&initialDelay=0&delay=20&heartbeatInterval=100"
                                        + "&sessionTimeout=3000&retryDelay=200&retryMaxDelay=200"
                                        + "&unhealthyAfterAttempts=3";

    @TempDir
    Path dir;
    private final List<CamelContext> contexts = new ArrayList<>();
    private final AtomicBoolean poisonFails = new AtomicBoolean(true);
    private KliteLog file;

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
        if (file != null) {
            file.close();
        }
    }

    @Test
    void theMemberThatTakesAStuckPartitionIsDownAtOnceAndTheOneThatStoppedNoLongerReportsIt() throws Exception {
        file().createTopic("orders", 2);
        CamelContext a = consumer();
        CamelContext b = consumer();
        await().untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .extracting(m -> m.partitions().size()).containsExactly(1, 1));
        file().send("orders", 0, "poison");
        file().send("orders", 1, "fine");

        await().atMost(Duration.ofSeconds(20)).until(() -> state(a) == State.DOWN || state(b) == State.DOWN);
        CamelContext holder = state(a) == State.DOWN ? a : b;
        CamelContext other = holder == a ? b : a;
        Result before = readiness(holder, "billing");
        assertThat(detail(before, "partitions")).isEqualTo("0");
        assertThat(readiness(other, "billing").getState()).as("the member holding partition 1").isEqualTo(State.UP);
        Instant since = Instant.parse(detail(before, "partition.0.since"));

        holder.getRouteController().stopRoute("billing");
        int counted = file().deliveryAttempts("billing", "orders").stream().mapToInt(DeliveryAttempts::attempts)
                .max().orElseThrow();
        assertThat(counted).isGreaterThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(file().liveMembers("billing", "orders"))
                .singleElement().extracting(Member::partitions).isEqualTo(List.of(0, 1)));
        // the new holder is DOWN with the file's count and first failure, not after 3 attempts and a time of its own
        await().atMost(Duration.ofSeconds(5)).until(() -> state(other) == State.DOWN);
        Result taken = readiness(other, "billing");
        assertThat(detail(taken, "partitions")).isEqualTo("0");
        assertThat(Integer.parseInt(detail(taken, "partition.0.attempts"))).isGreaterThanOrEqualTo(counted);
        assertThat(Instant.parse(detail(taken, "partition.0.since"))).isBetween(since.minusSeconds(1), since);
        // the stopped one's check says that its route stopped, and nothing of the partition
        Result stopped = readiness(holder, "billing");
        assertThat(stopped.getMessage()).hasValue("Route billing has status Stopped");
        assertThat(stopped.getDetails()).doesNotContainKeys("partitions", "partition.0.attempts");

        poisonFails.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(other) == State.UP);
        assertThat(file().committed("billing", "orders", 0)).hasValue(1);
    }

    private State state(CamelContext context) {
        return readiness(context, "billing").getState();
    }

    private CamelContext consumer() throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getComponent("klite", KliteComponent.class).getConfiguration()
                .setDatabase(dir.resolve("klite.db").toString());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(ROUTE).routeId("billing").process(exchange -> {
                    if (poisonFails.get() && "poison".equals(exchange.getIn().getBody(String.class))) {
                        throw new IllegalStateException("sink refuses poison");
                    }
                });
            }
        });
        context.start();
        contexts.add(context);
        return context;
    }

    private KliteLog file() {
        if (file == null) {
            file = KliteLog.open(dir.resolve("klite.db"));
        }
        return file;
    }
}
