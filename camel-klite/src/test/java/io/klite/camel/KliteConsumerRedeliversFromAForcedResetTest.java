package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A forced reset of a group's offsets ({@code KliteLog.resetOffsets(..., force=true)}) while a consumer of the group
 * (group coordination on, the default) runs: the reset revokes the consumer's lease, the consumer drops the partition
 * (at its next heartbeat, or when its commit is refused), takes it again and delivers from exactly the reset's next
 * offset on, each offset once more and then the new ones, none lost or skipped; the old position's commit never lands.
 */
class KliteConsumerRedeliversFromAForcedResetTest extends KliteCamelTestSupport {

    private static final String OPTIONS = "group=billing&initialDelay=0&delay=20&heartbeatInterval=250"
                                          + "&sessionTimeout=2000";

    /** Offsets of "orders" as the route got them, in order. */
    private final List<Long> idle = new CopyOnWriteArrayList<>();
    /** Offsets of "payments" as the route got them, in order. */
    private final List<Long> busy = new CopyOnWriteArrayList<>();
    private final CountDownLatch reachedFive = new CountDownLatch(1);
    private final CountDownLatch releaseFive = new CountDownLatch(1);
    private final AtomicBoolean heldOnce = new AtomicBoolean();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?" + OPTIONS)
                        .process(exchange -> idle.add(exchange.getIn().getHeader("CamelKliteOffset", Long.class)));
                // holds its first delivery of offset 5 until the test has reset the group
                from("klite:payments?" + OPTIONS)
                        .process(exchange -> {
                            long offset = exchange.getIn().getHeader("CamelKliteOffset", Long.class);
                            busy.add(offset);
                            if (offset == 5 && heldOnce.compareAndSet(false, true)) {
                                reachedFive.countDown();
                                assertThat(releaseFive.await(30, TimeUnit.SECONDS)).isTrue();
                            }
                        });
            }
        };
    }

    @Test
    void aRouteThatHasConsumedEverythingDeliversAgainFromTheResetsNextOffset() {
        for (int n = 1; n <= 6; n++) {
            file().send("orders", 0, "m" + n);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> file().committed("billing", "orders", 0).orElse(0) == 6);
        assertThat(idle).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(file().liveMembers("billing", "orders")).singleElement().extracting(Member::partitions)
                .isEqualTo(List.of(0));

        // the next offset to deliver is 3
        assertThat(file().resetOffsets("billing", "orders", Map.of(0, 2L), true)).containsEntry(0, 6L);

        await().atMost(Duration.ofSeconds(10)).until(() -> idle.size() == 10);
        file().send("orders", 0, "m7");
        await().atMost(Duration.ofSeconds(10)).until(() -> file().committed("billing", "orders", 0).orElse(0) == 7);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> idle.size() == 11);
        assertThat(idle).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 3L, 4L, 5L, 6L, 7L);
        assertThat(file().liveMembers("billing", "orders")).as("the same member took the partition again")
                .singleElement().extracting(Member::partitions).isEqualTo(List.of(0));
    }

    @Test
    void aRouteInTheMiddleOfADeliveryHasItsCommitRefusedAndDeliversAgainFromTheResetsNextOffset() throws Exception {
        for (int n = 1; n <= 6; n++) {
            file().send("payments", 0, "m" + n);
        }
        assertThat(reachedFive.await(10, TimeUnit.SECONDS)).isTrue();

        List<String> lines = StandardError.linesDuring(() -> {
            // the next offset to deliver is 2; the route is delivering offset 5 from the fetch it made before
            file().resetOffsets("billing", "payments", Map.of(0, 1L), true);
            releaseFive.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> Collections.frequency(busy, 2L) == 2
                    && busy.lastIndexOf(6L) > busy.lastIndexOf(2L));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> file().committed("billing", "payments", 0).orElse(0) == 6);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> busy.size() == busy.lastIndexOf(2L) + 5);

        int again = busy.lastIndexOf(2L);
        // the old position may still deliver the rest of its fetch (offset 6) before it learns; its commit is refused
        assertThat(busy.subList(0, again)).isIn(offsets(1, 5), offsets(1, 6));
        assertThat(busy.subList(again, busy.size())).as("from the reset on, each offset once, in order")
                .isEqualTo(offsets(2, 6));
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .contains("stops consuming topic 'payments' partition 0: Cannot commit offset")
                .contains("does not hold the partition's lease any more"));
    }

    private static List<Long> offsets(long from, long to) {
        return new ArrayList<>(LongStream.rangeClosed(from, to).boxed().toList());
    }
}
