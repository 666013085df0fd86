package io.klite.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main class in a real child JVM with the test classpath: for crash and two-process tests. */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static Process start(Class<?> main, String... args) throws IOException {
        return start(List.of(), main, args);
    }

    /** Starts {@code main} with JVM options added after the defaults, such as {@code -XX:TieredStopAtLevel=1}. */
    public static Process start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // a test that timed out or failed never leaves its child running after the test JVM
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }
}
