package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The component needs no metrics: with Micrometer on the classpath but no registry in the context it produces,
 * consumes and dead-letters as ever and registers no meter anywhere (not in Micrometer's global registry either); and
 * in a JVM without Micrometer at all (a child JVM whose classpath lacks it) the same routes run.
 */
class KliteComponentWorksWithoutMetricsTest extends KliteCamelTestSupport {

    private final Received payments = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:payments?group=ledger&initialDelay=0&delay=10&retryDelay=10&maxAttempts=2")
                        .process(exchange -> {
                            if (exchange.getIn().getBody(String.class).equals("poison")) {
                                throw new IllegalStateException("no such account");
                            }
                        })
                        .process(payments.body());
            }
        };
    }

    @Test
    void noRegistryInTheContext() {
        assertThat(context.getRegistry().findByType(io.micrometer.core.instrument.MeterRegistry.class)).isEmpty();
        template.sendBody("klite:payments", "p1");
        template.sendBody("klite:payments", "poison");
        template.sendBody("klite:payments", "p3");

        payments.awaitSize(2);
        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(3));
        assertThat(payments).containsExactly("p1", "p3");
        assertThat(file().read("payments.dlq", 0, 0, 10)).hasSize(1);
        assertThat(Metrics.globalRegistry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("klite"));
    }

    @Test
    void noMicrometerOnTheClasspath() throws Exception {
        String classpath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(entry -> !entry.contains("micrometer") && !entry.contains("prometheus"))
                .collect(Collectors.joining(File.pathSeparator));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classpath, RoutesWithoutMicrometer.class.getName(), dir.resolve("child.db").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroyForcibly));
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output.lines()).containsExactly("micrometer absent", "consumed p1,p3", "dead-lettered 1");
        assertThat(child.exitValue()).isZero();
    }

    /** The child JVM: the same route on a Camel context, in a JVM that cannot load Micrometer. */
    static final class RoutesWithoutMicrometer {

        public static void main(String[] args) throws Exception {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("micrometer present");
            } catch (ClassNotFoundException e) {
                System.out.println("micrometer absent");
            }
            Received consumed = new Received();
            try (CamelContext context = new DefaultCamelContext()) {
                context.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(args[0]);
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("klite:payments?group=ledger&initialDelay=0&delay=10&retryDelay=10&maxAttempts=2")
                                .process(exchange -> {
                                    if (exchange.getIn().getBody(String.class).equals("poison")) {
                                        throw new IllegalStateException("no such account");
                                    }
                                })
                                .process(consumed.body());
                    }
                });
                context.start();
                for (String body : List.of("p1", "poison", "p3")) {
                    context.createProducerTemplate().sendBody("klite:payments", body);
                }
                consumed.awaitSize(2);
                KliteComponent klite = context.getComponent("klite", KliteComponent.class);
                int dead = klite.withLog(args[0], log -> {
                    await().until(() -> log.committed("ledger", "payments", 0).orElse(0) == 3);
                    return log.read("payments.dlq", 0, 0, 10).size();
                });
                System.out.println("consumed " + String.join(",", consumed));
                System.out.println("dead-lettered " + dead);
            }
        }
    }
}
