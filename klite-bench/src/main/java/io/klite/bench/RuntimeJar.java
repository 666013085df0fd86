package io.klite.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service, {@code klite-runtime.jar}, for the benchmarks that run it in a child JVM. The bench module
 * does not depend on klite-runtime: the jar is found by the system property {@value #JAR_PROPERTY}, else at
 * {@value #DEFAULT_JAR} from the working directory (the repository root). {@value #CHILD_OPTIONS_PROPERTY} adds
 * options to the child JVM, such as {@code -XX:StartFlightRecording=duration=60s,filename=/tmp/runtime.jfr}.
 */
final class RuntimeJar {

    static final String JAR_PROPERTY = "klite.runtime.jar";
    static final String DEFAULT_JAR = "klite-runtime/target/klite-runtime.jar";
    static final String CHILD_OPTIONS_PROPERTY = "klite.bench.childJvmOptions";

    private static final int LOG_TAIL_LINES = 40;

    private RuntimeJar() {
    }

    /** The runtime jar; fails, saying how to build or name it, where there is none. */
    static Path find() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("No runtime jar at " + jar + ": run mvn -B -q package -DskipTests"
                    + " first, from the repository root (and run the benchmark from there), or name the jar with -D"
                    + JAR_PROPERTY + "=<jar>");
        }
        return jar;
    }

    /**
     * The command that runs {@code jar} with these JVM options, then those of {@value #CHILD_OPTIONS_PROPERTY}, then
     * the service's {@code --key=value} arguments.
     */
    static List<String> command(Path jar, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String childOptions = System.getProperty(CHILD_OPTIONS_PROPERTY, "").strip();
        if (!childOptions.isEmpty()) {
            command.addAll(Arrays.asList(childOptions.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return command;
    }

    /**
     * Starts {@code command} in {@code workDir}, its output in {@code log}, without the environment's
     * {@code CAMEL_*} and {@code KLITE_*} variables (which would override the benchmark's settings).
     */
    static Process start(List<String> command, Path workDir, Path log) throws IOException {
        System.out.println("Starting the runtime: " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("CAMEL_") || name.startsWith("KLITE_"));
        return builder.start();
    }

    /** SIGTERM, then SIGKILL where the runtime has not stopped within 30 s. */
    static void stop(Process child) throws InterruptedException {
        child.destroy();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            System.out.println("The runtime did not stop within 30 s of SIGTERM and was killed");
        }
    }

    /** The end of the child's log, to follow a failure's message. */
    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "; the last lines of " + log + ":\n"
               + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }
}
