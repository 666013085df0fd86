package io.klite.runtime.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.api.ApiClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar runs the admin CLI where its first argument is a command (or --help), with the exit codes 0, 1 and
 * 2, on the service's default database file data/klite.db of the working directory; while the jar also runs as the
 * service in another process on that file.
 */
class KliteRuntimeRunsAdminCommandsIT {

    @TempDir
    Path dir;

    /** What a run of the jar printed, and its exit code. */
    record Run(int exit, String out, String err) {
    }

    private Run cli(String input, String... args) throws IOException, InterruptedException {
        return cli(Map.of(), input, args);
    }

    /** Runs the jar in the test's folder with these environment variables added. */
    private Run cli(Map<String, String> environment, String input, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", KliteProcess.JAR.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("cli.out");
        Path err = dir.resolve("cli.err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("CAMEL_COMPONENT_KLITE_DATABASE");
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not exit within 60 s: " + String.join(" ", args));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void helpAndTheExitCodesOfAMistakeAndOfAMissingFile() throws Exception {
        Run help = cli("", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: java -jar klite-runtime.jar <command>")
                .contains("\n  topics ").contains("\n  compact ");
        assertThat(help.err()).isEmpty();

        Run typo = cli("", "topics", "lisst");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).isEqualTo("Unknown subcommand 'lisst' of topics; allowed: config, create, delete,"
                + " describe, list (see java -jar klite-runtime.jar topics --help)\n");

        Run missing = cli("", "groups", "list");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Database file '" + dir.resolve("data/klite.db") + "' does not exist (the"
                + " default, data/klite.db relative to the working directory); give the service's file with"
                + " --database\n");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void everyFirstWordIsTheClisAndTheOptionsMayComeFirst() throws Exception {
        for (String mistake : List.of("topic", "workers.yml")) {
            Run run = cli("", mistake, "list");
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("Unknown command '" + mistake + "'; allowed: topics, groups, produce,"
                    + " consume, dlq, compact, export, import, help (see java -jar klite-runtime.jar --help)\n");
            assertThat(run.out()).isEmpty();
        }

        Run created = cli("", "--database=state/orders.db", "topics", "create", "--topic", "orders");
        Run listed = cli("", "--database", "state/orders.db", "--output", "json", "topics", "list");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(listed.out()).isEqualTo("[{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,"
                + "\"startOffset\":1,\"endOffset\":0}],\"retention\":{\"age\":null,\"messages\":null,"
                + "\"keepUnconsumed\":false}}]\n");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void theDefaultFileIsTheServicesOfTheWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "camel.component.klite.database = props.db\n");

        Run fromProperties = cli("a\n", "produce", "--topic", "orders");
        Run fromVariable = cli(Map.of("CAMEL_COMPONENT_KLITE_DATABASE", "env.db"), "b\nc\n", "produce", "--topic",
                "orders");
        Run missing = cli(Map.of("CAMEL_COMPONENT_KLITE_DATABASE", "none.db"), "", "topics", "list");

        assertThat(fromProperties.exit()).as(fromProperties.err()).isZero();
        assertThat(fromVariable.exit()).as(fromVariable.err()).isZero();
        assertThat(cli("", "topics", "describe", "--topic", "orders", "--database", "props.db").out())
                .contains("\norders  0          1             1\n");
        assertThat(cli("", "topics", "describe", "--topic", "orders", "--database", "env.db").out())
                .contains("\norders  0          1             2\n");
        assertThat(missing.err()).isEqualTo("Database file '" + dir.resolve("none.db") + "' does not exist (from"
                + " CAMEL_COMPONENT_KLITE_DATABASE); give the service's file with --database\n");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void producesAndConsumesOnTheFileOfARunningService() throws Exception {
        try (KliteProcess service = KliteProcess.start(dir)) {
            ApiClient api = new ApiClient(service.awaitRunning());

            Run produced = cli("first\nsecond\n", "produce", "--topic", "orders");
            assertThat(produced.exit()).as(produced.err()).isZero();
            assertThat(api.post("/topics/orders/messages", "\"third\"").status()).isEqualTo(201);

            Run consumed = cli("", "consume", "--topic", "orders", "--from-beginning", "--group", "ops",
                    "--commit");
            assertThat(consumed.exit()).as(consumed.err()).isZero();
            assertThat(consumed.out()).isEqualTo("first\nsecond\n\"third\"\n");
            assertThat(api.get("/groups/ops").json().at("/topics/0/partitions/0/committedOffset").asLong())
                    .isEqualTo(3);
            Run described = cli("", "groups", "describe", "--group", "ops");
            assertThat(described.out()).isEqualTo("""
                    GROUP  TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  MEMBER-ID
                    ops    orders  0          3               3               0    -
                    """);

            service.terminate();
            assertThat(service.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
        }
    }
}
