package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CrashingConsumer} in a real child JVM, for the crash and group tests: started on the test's file, waited
 * for until its route runs, then killed with SIGKILL ({@code Process.destroyForcibly()}), stopped cleanly (a line on
 * its standard input), or paused and resumed (SIGSTOP, SIGCONT). Its log goes to a file that the children of one test
 * may share, which {@link #problems} reads.
 */
final class ConsumerProcess implements AutoCloseable {

    /** A child lives for seconds: the quicker start of the client compiler only, and the serial collector. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /** How long a child may take to start or stop on a busy machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final BufferedReader out;

    private ConsumerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts a child that runs {@code uri} in {@code mode} (see {@link CrashingConsumer}) and waits until it runs. */
    static ConsumerProcess start(Path db, Path output, Path log, String mode, String uri) throws Exception {
        ConsumerProcess child = launch(db, output, log, mode, uri);
        child.awaitStarted();
        return child;
    }

    /**
     * Starts a child that runs {@code uri} in {@code mode} without waiting for it: several start side by side, then
     * {@link #awaitStarted} each.
     */
    static ConsumerProcess launch(Path db, Path output, Path log, String mode, String uri) throws IOException {
        Process process = ChildJvm.start(JVM_OPTIONS, CrashingConsumer.class, db.toString(), output.toString(),
                log.toString(), mode, uri);
        return new ConsumerProcess(process, log);
    }

    /** Waits until the child's route runs (it printed {@code started}); kills it where it does not in time. */
    void awaitStarted() throws Exception {
        assertThat(nextLine("start")).as("the child's first line; its log: " + log).isEqualTo("started");
    }

    private String nextLine(String what) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return line.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            kill();
            throw new AssertionError("the child did not " + what + " within " + PATIENCE.toSeconds() + " s; its log: "
                    + log, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Kills the child with SIGKILL and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child is gone after kill -9").isTrue();
    }

    /** Stops the child cleanly: its CamelContext stops (the consumer leaves its group), then it exits. */
    void stop() throws Exception {
        try (Writer in = process.outputWriter(StandardCharsets.UTF_8)) {
            in.write("stop\n");
        }
        assertThat(nextLine("stop")).as("the child's line after its context stopped; its log: " + log)
                .isEqualTo("stopped");
        assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the child exits once stopped").isTrue();
        assertThat(process.exitValue()).as("exit code of the stopped child; its log: " + log).isZero();
    }

    /** Pauses every thread of the child (SIGSTOP), as a long GC pause or a suspended VM would, until it is stopped. */
    void pause() throws Exception {
        signal("STOP");
        await().atMost(PATIENCE).until(() -> state() == 'T');
    }

    /** Lets a paused child run on (SIGCONT). */
    void resume() throws Exception {
        signal("CONT");
        await().atMost(PATIENCE).until(() -> state() != 'T');
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name + " " + pid())
                .isTrue();
    }

    /** The child's state as Linux shows it (R running, S sleeping, T stopped...). */
    private char state() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
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
