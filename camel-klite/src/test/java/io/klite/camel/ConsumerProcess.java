package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CrashingConsumer} in a real child JVM, for the crash tests: started on the test's file, waited for until its
 * route runs, and killed with SIGKILL ({@code Process.destroyForcibly()}). Its log goes to a file of its own, shared by
 * the children of one test, which {@link #problems} reads.
 */
final class ConsumerProcess implements AutoCloseable {

    /** A child lives for seconds: the quicker start of the client compiler only, and the serial collector. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Process process;
    private final Path log;

    private ConsumerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a child that runs {@code uri} in {@code mode} (see {@link CrashingConsumer}) and waits until it runs. */
    static ConsumerProcess start(Path db, Path output, Path log, String mode, String uri) throws Exception {
        Process process = ChildJvm.start(JVM_OPTIONS, CrashingConsumer.class, db.toString(), output.toString(), log.toString(),
                mode, uri);
        ConsumerProcess child = new ConsumerProcess(process, log);
        child.awaitStarted();
        return child;
    }

    private void awaitStarted() throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertThat(line.get(60, TimeUnit.SECONDS)).as("the child's first line; its log: " + log)
                    .isEqualTo("started");
        } catch (TimeoutException e) {
            kill();
            throw new AssertionError("the child did not start within 60 s; its log: " + log, e);
        }
    }

    /** Kills the child with SIGKILL and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child is gone after kill -9").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /**
     * The lines of the children's log at WARN or ERROR other than the one line per failed attempt that the poison
     * messages cause: what a reader of a failed run wants to see first.
     */
    static List<String> problems(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("WARN") || line.contains("ERROR"))
                    .filter(line -> !line.contains("Delivery failed")).toList();
        }
    }
}
