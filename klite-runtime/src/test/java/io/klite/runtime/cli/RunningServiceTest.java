package io.klite.runtime.cli;

import static org.awaitility.Awaitility.await;

import io.klite.camel.KliteConstants;
import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the CLI against the database file of a running service (in the test's JVM) that writes to it all along:
 * a route sends a message to topic {@code traffic} every 10 ms, and a {@code klite:} consumer of group {@code service}
 * consumes it (a live member, committing as it goes).
 */
abstract class RunningServiceTest {

    static final String TRAFFIC = "traffic";

    @TempDir
    Path dir;
    RunningKlite klite;
    Path database;
    /** The offsets of traffic's partition 0 the service's consumer was given, in order, redeliveries included. */
    final List<Long> delivered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startService() throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        database = klite.database();
        klite.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:traffic?period=10").routeId("traffic-producer").setBody(constant("tick"))
                        .to("klite:" + TRAFFIC);
                from("klite:" + TRAFFIC + "?group=service&initialDelay=0&delay=50").routeId("traffic-consumer")
                        .process(exchange -> delivered.add(exchange.getMessage().getHeader(KliteConstants.OFFSET,
                                Long.class)));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> klite.file().endOffset(TRAFFIC, 0) > 5
                && klite.file().committed("service", TRAFFIC, 0).isPresent());
    }

    @AfterEach
    void stopService() throws Exception {
        klite.close();
    }

    /** The service's traffic goes on: its end offset grows past what it is now. */
    void awaitTrafficGoesOn() {
        long end = klite.file().endOffset(TRAFFIC, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> klite.file().endOffset(TRAFFIC, 0) > end + 3);
    }
}
