package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint on one database file shares one open log; it stays open while any of them runs and is closed (its
 * WAL checkpointed and removed) when the last one stops.
 */
class KliteComponentSharesOneLogPerFileTest extends KliteCamelTestSupport {

    private static final String BILLING = "klite:orders?group=billing&initialDelay=0&delay=50";
    private final Received shipped = new Received();

    private Path otherDb() {
        return dir.resolve("other.db");
    }

    private String shipping() {
        return "klite:orders?group=shipping&initialDelay=0&delay=50&database=" + otherDb();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(BILLING).routeId("billing").to("mock:billing");
                from(shipping()).routeId("shipping").process(shipped.body());
            }
        };
    }

    @Test
    void endpointsOnOneFileShareOneLogUntilTheLastStops() throws Exception {
        KliteEndpoint billing = context.getEndpoint(BILLING, KliteEndpoint.class);
        KliteEndpoint producer = context.getEndpoint("klite:orders", KliteEndpoint.class);
        KliteEndpoint shipping = context.getEndpoint(shipping(), KliteEndpoint.class);
        assertThat(producer.getLog()).isSameAs(billing.getLog()).isNotSameAs(shipping.getLog());
        assertThat(shipping.getLog().path()).isEqualTo(otherDb());

        context.getRouteController().stopRoute("billing");
        template.sendBody("klite:orders", "still open");
        template.sendBody("klite:orders?database=" + otherDb(), "to the other file");
        shipped.awaitSize(1);
        assertThat(shipped).containsExactly("to the other file");
        assertThat(file().read("orders", 0, 0, 10)).hasSize(1);
        closeFile();
        assertThat(Path.of(db() + "-wal")).exists();

        context.stop();
        assertThat(Path.of(db() + "-wal")).doesNotExist();
        assertThat(Path.of(otherDb() + "-wal")).doesNotExist();
    }

    @Test
    void logIsClosedWhenItsLastEndpointIsRemovedWhileTheContextRuns() throws Exception {
        String producerUri = "klite:orders?database=" + otherDb();
        template.sendBody(producerUri, "one");
        shipped.awaitSize(1);
        Path wal = Path.of(otherDb() + "-wal");
        assertThat(wal).exists();

        KliteEndpoint shipping = context.getEndpoint(shipping(), KliteEndpoint.class);
        context.getRouteController().stopRoute("shipping");
        context.removeRoute("shipping");
        context.removeEndpoint(shipping);
        template.sendBody(producerUri, "two");
        assertThat(wal).as("the producer's endpoint still holds the log").exists();

        context.removeEndpoint(context.getEndpoint(producerUri));
        assertThat(wal).as("the last endpoint on the file is gone").doesNotExist();
        assertThat(Path.of(db() + "-wal")).as("the other file's endpoints still run").exists();
    }

    @Test
    void withLogLendsTheSharedLogAndGivesItBackEvenWhenTheWorkFails() {
        KliteComponent klite = context.getComponent("klite", KliteComponent.class);
        KliteEndpoint billing = context.getEndpoint(BILLING, KliteEndpoint.class);
        assertThat(klite.<KliteLog>withLog(db().toString(), log -> log)).isSameAs(billing.getLog());

        Path third = dir.resolve("third.db");
        assertThat(klite.<Integer>withLog(third.toString(), log -> log.createTopicIfAbsent("lent", 2))).isEqualTo(2);
        assertThat(Path.of(third + "-wal")).as("its only user gave it back: closed").doesNotExist();
        assertThatThrownBy(() -> klite.withLog(third.toString(), log -> {
            log.send("lent", 0, "x");
            throw new IllegalStateException("work failed");
        })).hasMessage("work failed");
        assertThat(Path.of(third + "-wal")).as("given back after a failure too").doesNotExist();
        assertThat(klite.<Long>withLog(third.toString(), log -> log.endOffset("lent", 0))).isEqualTo(1);
    }
}
