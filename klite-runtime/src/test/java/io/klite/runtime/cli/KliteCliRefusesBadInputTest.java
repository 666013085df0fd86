package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad usage (an unknown command or option, a value of the wrong form, a missing option) exits with 2 and one line on
 * standard error naming it; a missing database file makes every command but create and produce exit with 1 naming the
 * path, creating no file and no folder; commands that only read leave an existing file's bytes as they were.
 */
class KliteCliRefusesBadInputTest {

    @TempDir
    Path dir;

    private static void badUsage(Cli.Run run, String error) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(error + "\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badUsageExitsWith2NamingTheProblem() {
        Path database = dir.resolve("klite.db");
        String db = database.toString();

        badUsage(Cli.run("topicz"), "Unknown command 'topicz'; allowed: topics, groups, produce, consume, dlq, compact,"
                + " export, import, help (see java -jar klite-runtime.jar --help)");
        badUsage(Cli.run("topics"), "Give a subcommand of topics: list, describe, create, config or delete (see java"
                + " -jar klite-runtime.jar topics --help)");
        badUsage(Cli.run("groups", "lisst"), "Unknown subcommand 'lisst' of groups; allowed: delete, describe, list,"
                + " reset-offsets (see java -jar klite-runtime.jar groups --help)");
        badUsage(Cli.run("topics", "list", "--verbose", "--database", db), "Unknown option: '--verbose' (see java -jar"
                + " klite-runtime.jar topics list --help)");
        badUsage(Cli.run("topics", "list", "--output", "yaml"), "Invalid value for option '--output': expected one of"
                + " [table, json] (case-sensitive) but was 'yaml' (see java -jar klite-runtime.jar topics list --help)");
        badUsage(Cli.run("topics", "describe"), "Missing required option: '--topic=<topic>' (see java -jar"
                + " klite-runtime.jar topics describe --help)");
        badUsage(Cli.run("topics", "describe", "--topic", "orders/eu"), "Invalid value for option '--topic': Invalid"
                + " topic name 'orders/eu': character '/' at index 6 is not allowed; a topic name is 1 to 249"
                + " characters of [A-Za-z0-9._-] and not '.' or '..' (see java -jar klite-runtime.jar topics describe"
                + " --help)");
        badUsage(Cli.run("consume", "--topic", "orders", "--partition", "-1"), "Invalid value for option"
                + " '--partition': '-1' is not a partition number; allowed: 0 to 999 (see java -jar klite-runtime.jar"
                + " consume --help)");
        badUsage(Cli.run("groups", "describe", "--group", " "), "Invalid value for option '--group': Invalid consumer"
                + " group ' ': a group name must not be empty or blank (see java -jar klite-runtime.jar groups describe"
                + " --help)");
        badUsage(Cli.run("groups", "reset-offsets", "--group", "billing", "--topic", "orders"), "Missing required"
                + " argument (specify one of these): (--to-earliest | --to-latest | --to-offset=<offset> |"
                + " --to-datetime=<time> | --shift-by=<n>) (see java -jar klite-runtime.jar groups reset-offsets"
                + " --help)");
        badUsage(Cli.run("groups", "reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest",
                "--dry-run", "--execute"), "--dry-run, --execute are mutually exclusive (specify only one) (see java"
                + " -jar klite-runtime.jar groups reset-offsets --help)");
        badUsage(Cli.run("topics", "create", "--topic", "orders", "--partitions", "0"), "Invalid value for option"
                + " '--partitions': '0' is not a partition count; allowed: 1 to 1000 (see java -jar klite-runtime.jar"
                + " topics create --help)");
        badUsage(Cli.run("consume", "--topic", "orders", "--commit"), "--commit needs --group: the group to commit"
                + " (see java -jar klite-runtime.jar consume --help)");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void helpOnEveryCommandExitsWith0() {
        Cli.Run top = Cli.run("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).startsWith("Usage: java -jar klite-runtime.jar <command> [<subcommand>] [options]\n")
                .contains("\n  topics ", "\n  groups ", "\n  produce ", "\n  consume ", "\n  dlq ", "\n  compact ")
                .contains("-help lists Camel Main's");
        assertThat(Cli.run("-h").out()).isEqualTo(top.out());
        assertThat(Cli.run("help").out()).isEqualTo(top.out());
        for (List<String> command : List.of(List.of("topics"), List.of("topics", "config"), List.of("groups"),
                List.of("groups", "reset-offsets"), List.of("produce"), List.of("consume"), List.of("dlq", "redrive"),
                List.of("compact"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Cli.Run help = Cli.run(args.toArray(String[]::new));
            assertThat(help.exit()).as(command.toString()).isZero();
            assertThat(help.out()).as(command.toString()).startsWith("Usage: java -jar klite-runtime.jar "
                    + String.join(" ", command));
            assertThat(help.err()).isEmpty();
        }
        assertThat(Cli.run("help", "groups").out()).isEqualTo(Cli.run("groups", "--help").out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"topics list", "topics describe --topic orders", "topics config --topic orders",
                            "topics config --topic orders --retention-age 7d", "topics delete --topic orders --confirm orders",
                            "groups list", "groups describe --group billing", "groups delete --group billing",
                            "groups reset-offsets --group billing --topic orders --to-earliest --execute",
                            "consume --topic orders --from-beginning", "dlq list --topic orders.dlq",
                            "dlq redrive --topic orders.dlq", "compact"})
    void aMissingDatabaseFileIsNamedAndNotCreated(String command) {
        Path database = dir.resolve("data").resolve("klite.db");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--database", database.toString()));

        Cli.Run run = Cli.run(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Database file '" + database + "' does not exist (from --database); give the"
                + " service's file with --database\n");
        assertThat(run.out()).isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftAsItWas() throws Exception {
        Path notADatabase = Files.writeString(dir.resolve("notes.txt"), "not a database, but long enough to be read as"
                + " one by SQLite's header check".repeat(10));
        byte[] before = Files.readAllBytes(notADatabase);

        Cli.Run run = Cli.on(notADatabase, "topics", "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains(notADatabase.toString()).contains("not a SQLite database").hasLineCount(1);
        assertThat(Files.readAllBytes(notADatabase)).isEqualTo(before);
        assertThat(Cli.on(dir, "topics", "list").err()).contains("is a directory").hasLineCount(1);
    }

    @Test
    void commandsThatOnlyReadLeaveTheFileAsItWas() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b"));
            log.commit("billing", "orders", 0, 1);
        }
        byte[] before = Files.readAllBytes(database);

        for (String command : List.of("topics list", "topics describe --topic orders", "topics config --topic orders",
                "groups list", "groups describe --group billing", "consume --topic orders --group billing --timeout-ms 0",
                "consume --topic orders --from-beginning --timeout-ms 0", "dlq list --topic orders",
                "groups reset-offsets --group billing --topic orders --to-earliest")) {
            Cli.Run run = Cli.on(database, command.split(" "));
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(Files.readAllBytes(database)).as(command).isEqualTo(before);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(database);
        }
    }

    @Test
    void aRedriveRangeThatRunsBackwardsOrBelowOneIsBadUsage() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders.dlq", 0, List.of("a", "b", "c"));
        }
        byte[] before = Files.readAllBytes(database);
        String db = database.toString();

        badUsage(Cli.run("dlq", "redrive", "--topic", "orders.dlq", "--partition", "0", "--from-offset", "3",
                "--to-offset", "1", "--database", db), "--from-offset 3 is after --to-offset 1: the range runs from"
                + " --from-offset to --to-offset, so --from-offset must not be greater (see java -jar"
                + " klite-runtime.jar dlq redrive --help)");
        badUsage(Cli.run("dlq", "redrive", "--topic", "orders.dlq", "--partition", "0", "--from-offset", "-1",
                "--database", db), "Invalid value for option '--from-offset': '-1' is not an offset; allowed: 1 or"
                + " more (a partition's first offset is 1) (see java -jar klite-runtime.jar dlq redrive --help)");
        badUsage(Cli.run("dlq", "redrive", "--topic", "orders.dlq", "--partition", "0", "--to-offset", "0",
                "--database", db), "Invalid value for option '--to-offset': '0' is not an offset; allowed: 1 or"
                + " more (a partition's first offset is 1) (see java -jar klite-runtime.jar dlq redrive --help)");
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
    }

    @Test
    void consumeAtAnOffsetNeedsAPartitionAndAnOffsetInRange() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.createTopic("orders", 2);
            log.sendBatch("orders", 0, List.of("a", "b", "c"));
        }
        String db = database.toString();

        badUsage(Cli.run("consume", "--topic", "orders", "--offset", "2", "--database", db), "--offset needs"
                + " --partition: the partition is required when an offset is given, as an offset is a partition's"
                + " (see java -jar klite-runtime.jar consume --help)");
        badUsage(Cli.run("consume", "--topic", "orders", "--partition", "0", "--offset", "-1", "--database", db),
                "Invalid value for option '--offset': '-1' is not an offset; allowed: 0 or more (a partition's first"
                + " offset is 1) (see java -jar klite-runtime.jar consume --help)");

        Cli.Run beyond = Cli.run("consume", "--topic", "orders", "--partition", "0", "--offset", "5", "--database",
                db);
        assertThat(beyond.exit()).as(beyond.toString()).isEqualTo(1);
        assertThat(beyond.err()).isEqualTo("Cannot consume topic 'orders' partition 0 from offset 5: the offset must"
                + " be within 1..4 (startOffset 1 to endOffset 3 + 1; below the start starts at the start)\n");

        Cli.Run atEnd = Cli.run("consume", "--topic", "orders", "--partition", "0", "--offset", "4", "--timeout-ms",
                "0", "--database", db);
        Cli.Run fromTwo = Cli.run("consume", "--topic", "orders", "--partition", "0", "--offset", "2",
                "--timeout-ms", "0", "--database", db);
        assertThat(atEnd.exit()).as(atEnd.toString()).isZero();
        assertThat(atEnd.out()).isEmpty();
        assertThat(fromTwo.out()).isEqualTo("b\nc\n");
    }

    @Test
    void aProduceThatSendsNothingCreatesNoFile() {
        Path database = dir.resolve("data").resolve("klite.db");

        Cli.Run outOfRange = Cli.runWithInput("a\n", "produce", "--topic", "orders", "--partition", "1",
                "--database", database.toString());
        Cli.Run noLine = Cli.runWithInput("", "produce", "--topic", "orders", "--database", database.toString());

        assertThat(outOfRange.exit()).as(outOfRange.toString()).isEqualTo(1);
        assertThat(outOfRange.err()).isEqualTo("Partition 1 is out of range for topic 'orders': a new topic gets"
                + " 1 partition (valid: 0)\n");
        assertThat(noLine.exit()).as(noLine.toString()).isZero();
        assertThat(noLine.out()).isEqualTo("No line on standard input: nothing was sent.\n");
        assertThat(dir).isEmptyDirectory();
    }
}
