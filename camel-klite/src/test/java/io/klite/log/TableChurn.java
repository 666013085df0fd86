package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process changing a Klite file's tables all the time: {@code table_churn.py} (Python's sqlite3 module) running
 * on it until {@link #stop()}. It needs topic "lockstep" of 2 partitions in the file; see the script for what it does
 * and which states the file is in at any one moment.
 */
public final class TableChurn implements AutoCloseable {

    private final Process python;
    private final BufferedReader out;

    private TableChurn(Process python) {
        this.python = python;
        this.out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the script on the file and waits until it is connected; the script is copied beside the file first (it
     * may come from a jar).
     */
    public static TableChurn start(Path file) throws Exception {
        Path script = file.resolveSibling("table_churn.py");
        try (InputStream in = TableChurn.class.getResourceAsStream("/table_churn.py")) {
            Files.write(script, in.readAllBytes());
        }
        TableChurn churn = new TableChurn(new ProcessBuilder("python3", script.toString(), file.toString(), "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        try {
            assertThat(churn.out.readLine()).isEqualTo("ready");
        } catch (Exception | Error e) {
            churn.close();
            throw e;
        }
        return churn;
    }

    /** Closes its standard input, which ends it after its turn; answers how many turns it ran, each without error. */
    public int stop() throws Exception {
        python.getOutputStream().close();
        assertThat(python.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(python.exitValue()).as("the script's exit code").isZero();
        String done = out.readLine();
        assertThat(done).startsWith("done ");
        return Integer.parseInt(done.substring("done ".length()));
    }

    @Override
    public void close() {
        python.destroyForcibly();
    }
}
