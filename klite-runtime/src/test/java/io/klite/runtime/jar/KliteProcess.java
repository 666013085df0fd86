package io.klite.runtime.jar;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service as a user runs it: {@code java -jar klite-runtime.jar} in a working directory of its own, its
 * output in {@code klite.out} there.
 */
final class KliteProcess implements AutoCloseable {

    /** The jar Maven's package phase built; failsafe passes its path. */
    static final Path JAR = Path.of(System.getProperty("klite.jar", "target/klite-runtime.jar")).toAbsolutePath();

    /** The JVM options of a process whose test does not give its own. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx256m");

    private static final Pattern RUNNING = Pattern.compile("Klite is running: API (http://\\S+)/topics");

    private final Process process;
    private final Path output;
    private final long startedNanos = System.nanoTime();

    private KliteProcess(Path workDir, Path output, List<String> jvmOptions, List<String> args,
                         Map<String, String> environment) throws IOException {
        this.output = output;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("CAMEL_") || name.startsWith("KLITE_"));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** Starts the jar in {@code workDir} with the API on a free port, plus the given arguments. */
    static KliteProcess start(Path workDir, String... args) throws IOException {
        return startInJvm(workDir, DEFAULT_JVM_OPTIONS, args);
    }

    /**
     * Starts the jar in {@code workDir} in a JVM with these options (in place of {@link #DEFAULT_JVM_OPTIONS}), with
     * the API on a free port, plus the given arguments.
     */
    static KliteProcess startInJvm(Path workDir, List<String> jvmOptions, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--camel.server.port=0"));
        all.addAll(List.of(args));
        return launch(workDir, jvmOptions, all, Map.of());
    }

    /** Starts the jar with exactly these arguments. */
    static KliteProcess startExactly(Path workDir, List<String> args) throws IOException {
        return startExactly(workDir, args, Map.of());
    }

    /** Starts the jar with exactly these arguments and environment variables. */
    static KliteProcess startExactly(Path workDir, List<String> args, Map<String, String> environment)
            throws IOException {
        return launch(workDir, DEFAULT_JVM_OPTIONS, args, environment);
    }

    private static KliteProcess launch(Path workDir, List<String> jvmOptions, List<String> args,
                                       Map<String, String> environment) throws IOException {
        Path output = workDir.resolve("klite.out");
        Files.writeString(output, "");
        return new KliteProcess(workDir, output, jvmOptions, args, environment);
    }

    /** Waits until the service says it runs; the API's base URL. */
    String awaitRunning() {
        String[] url = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Klite exited with " + process.exitValue() + ":\n" + output());
            }
            Matcher matcher = RUNNING.matcher(output());
            if (matcher.find()) {
                url[0] = matcher.group(1);
                return true;
            }
            return false;
        });
        return url[0];
    }

    /** Time since the process was launched. */
    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Waits for the process to exit by itself; its exit code. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Klite did not exit within " + within + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, as a service manager stops it. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The process id, as a member's description in {@code GET /groups} gives it ("host pid N"). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
