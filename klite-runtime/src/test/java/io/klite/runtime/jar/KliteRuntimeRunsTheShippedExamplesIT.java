package io.klite.runtime.jar;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.runtime.HttpSink;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user runs from the repository root: the jar with the demo routes of {@code routes/}, and with the
 * example worker file of {@code examples/} delivering to a sink.
 */
class KliteRuntimeRunsTheShippedExamplesIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("klite.repository", "..")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void theDemoRoutesProduceAndConsumeWithinSeconds() throws Exception {
        copy("routes/demo-orders.yaml");

        try (KliteProcess klite = KliteProcess.start(dir)) {
            klite.awaitRunning();
            await().atMost(20, SECONDS).until(() -> klite.output().contains(
                    "demo-shipping consumed {\"orderId\": 2"));
            assertThat(klite.output()).contains("produced order 1 to demo-orders partition ")
                    .contains("demo-shipping consumed {\"orderId\": 1, ");
        }
    }

    @Test
    void theExampleWorkerFileDeliversTheDemoTopic() throws Exception {
        copy("routes/demo-orders.yaml");
        try (HttpSink sink = HttpSink.start()) {
            Files.writeString(dir.resolve("examples-workers.yaml"),
                    Files.readString(REPOSITORY.resolve("examples/workers.yaml"))
                            .replace("http://127.0.0.1:9000", "http://127.0.0.1:" + sink.port()));

            try (KliteProcess klite = KliteProcess.start(dir, "--klite.workers=examples-workers.yaml")) {
                klite.awaitRunning();
                await().atMost(30, SECONDS).until(() -> !sink.received().isEmpty());
                HttpSink.Request first = sink.received().get(0);
                assertThat(first.pathAndQuery).isEqualTo("/orders");
                assertThat(first.json().get("topic").asText()).isEqualTo("demo-orders");
                assertThat(first.json().get("messages").get(0).get("data").get("orderId").asInt()).isPositive();
            }
        }
    }

    @Test
    void theExampleSinkPrintsWhatTheWorkerDelivers() throws Exception {
        copy("routes/demo-orders.yaml");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path sinkOutput = dir.resolve("sink.out");
        Process sink = new ProcessBuilder("python3", REPOSITORY.resolve("examples/sink.py").toString(),
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(sinkOutput.toFile()).start();
        try {
            await().atMost(20, SECONDS).until(() -> Files.readString(sinkOutput).contains("sink listening"));
            Files.writeString(dir.resolve("examples-workers.yaml"),
                    Files.readString(REPOSITORY.resolve("examples/workers.yaml"))
                            .replace("http://127.0.0.1:9000", "http://127.0.0.1:" + port));

            try (KliteProcess klite = KliteProcess.start(dir, "--klite.workers=examples-workers.yaml")) {
                klite.awaitRunning();
                await().atMost(30, SECONDS).until(() -> Files.readString(sinkOutput).contains("got demo-orders/"));
                assertThat(Files.readString(sinkOutput)).containsPattern(
                        "got demo-orders/[01] offsets \\d+\\.\\.\\d+, first: \\{\"orderId\": \\d+");
            }
        } finally {
            sink.destroy();
        }
    }

    private void copy(String file) throws Exception {
        Files.createDirectories(dir.resolve(file).getParent());
        Files.copy(REPOSITORY.resolve(file), dir.resolve(file));
    }
}
