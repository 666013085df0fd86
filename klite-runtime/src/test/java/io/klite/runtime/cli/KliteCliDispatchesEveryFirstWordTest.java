package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every first argument that does not start with '-' is the CLI's (a mistyped command is refused by it, exit 2, naming
 * the commands), as are --help, -h, --database and --output; the service keeps --key=value and Camel Main's -options.
 * --database and --output may come before the command.
 */
class KliteCliDispatchesEveryFirstWordTest {

    @TempDir
    Path dir;

    @Test
    void everyFirstWordGoesToTheCliAndTheServiceKeepsItsOptions() {
        for (String cli : new String[] {"topics", "topic", "workers.yml", "help", "--help", "-h", "--database=x.db",
                                        "--database", "--output"}) {
            assertThat(KliteCli.isCommand(new String[] {cli, "list"})).as(cli).isTrue();
        }
        for (String service : new String[] {"--camel.server.port=9090", "-duration", "-help", "--databases=x",
                                            "--camel.server.port"}) {
            assertThat(KliteCli.isCommand(new String[] {service})).as(service).isFalse();
        }
        assertThat(KliteCli.isCommand(new String[0])).isFalse();
    }

    @Test
    void aMistypedCommandIsRefusedNamingTheCommands() {
        Cli.Run run = Cli.run("topic", "list");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("Unknown command 'topic'; allowed: topics, groups, produce, consume, dlq,"
                + " compact, export, import, help (see java -jar klite-runtime.jar --help)\n");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void theDatabaseAndOutputMayComeBeforeTheCommand() {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.createTopic("orders", 2);
        }

        Cli.Run joined = Cli.run("--database=" + database, "topics", "list");
        Cli.Run separate = Cli.run("--database", database.toString(), "--output", "json", "topics", "list");
        Cli.Run noCommand = Cli.run("--database", database.toString());

        assertThat(joined.exit()).as(joined.toString()).isZero();
        assertThat(joined.out()).isEqualTo("""
                TOPIC   PARTITIONS
                orders  2
                """);
        assertThat(separate.out()).startsWith("[{\"topic\":\"orders\",");
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err()).isEqualTo("Give a command: topics, groups, produce, consume, dlq, compact, export,"
                + " import, help (see java -jar klite-runtime.jar --help)\n");
    }
}
