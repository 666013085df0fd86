package io.klite.runtime.cli;

import io.klite.log.GroupNotEmptyException;
import io.klite.log.InvalidTopicException;
import io.klite.log.KliteException;
import io.klite.runtime.KliteMain;
import io.klite.runtime.kafka.KafkaCheckException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The admin CLI of the runtime jar: {@code java -jar klite-runtime.jar <command> ...} on the database file of a Klite
 * service, running or not. Invariants: the exit code is 0 where the command did what it says, 1 where it failed (an
 * unknown topic or group, an offset out of range, a group with live members, a file that cannot be used) and 2 for
 * bad usage (an unknown command or option, a value of the wrong form); a failure or a bad usage prints one line on
 * standard error naming the value and what is allowed, and writes nothing to the file; a command that only reads
 * never creates a file.
 */
@Command(name = "java -jar klite-runtime.jar",
        synopsisHeading = "",
        customSynopsis = {"Usage: java -jar klite-runtime.jar <command> [<subcommand>] [options]",
                          "       java -jar klite-runtime.jar [--key=value]... [-duration <seconds>]"},
        description = {"Klite's admin commands on the service's database file (by default the one the service uses"
                       + " in the working directory: $CAMEL_COMPONENT_KLITE_DATABASE, else"
                       + " camel.component.klite.database in ./application.properties, else data/klite.db; safe"
                       + " while the service runs on it). Without a command, the jar runs the service: --key=value"
                       + " arguments are its settings, and -help lists Camel Main's own options."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"Every command takes --database <file>, --output table|json and --help, such as"
                  + " 'java -jar klite-runtime.jar groups reset-offsets --help'; --database and --output may also"
                  + " come before the command.",
                  "Exit codes: 0 done, 1 failed (unknown topic or group, offset out of range, live members, Kafka"
                  + " unreachable or its topic missing or too small),"
                  + " 2 bad usage."},
        subcommands = {TopicsCommand.class, GroupsCommand.class, ProduceCommand.class, ConsumeCommand.class,
                       DlqCommand.class, CompactCommand.class, ExportCommand.class, ImportCommand.class,
                       HelpCommand.class})
public final class KliteCli implements Runnable {

    /** The options every command takes that may also come before the command: moved after it. */
    private static final List<String> LEADING_OPTIONS = List.of("--database", "--output");

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    boolean help;

    /** What {@code produce} reads its messages from. */
    final InputStream in;

    /** Whether standard error is a terminal, where {@code export} and {@code import} update their progress line. */
    final boolean errorIsTerminal;

    KliteCli(InputStream in, boolean errorIsTerminal) {
        this.in = in;
        this.errorIsTerminal = errorIsTerminal;
    }

    /**
     * Whether the arguments are for the CLI rather than the service: a first argument that does not start with
     * {@code -} (a command, or a mistyped one, which the CLI refuses naming the commands), {@code --help}, {@code -h},
     * or {@code --database}/{@code --output} before the command. The service's own arguments all start with
     * {@code -}: {@code --key=value} settings and Camel Main's options ({@code -duration 10}, {@code -help}).
     */
    public static boolean isCommand(String[] args) {
        if (args.length == 0) {
            return false;
        }
        String first = args[0];
        return !first.startsWith("-") || first.equals("--help") || first.equals("-h") || leadingOption(first) != null;
    }

    /** The common option {@code arg} is ({@code --database} or {@code --database=x.db}), or null. */
    private static String leadingOption(String arg) {
        for (String option : LEADING_OPTIONS) {
            if (arg.equals(option) || arg.startsWith(option + "=")) {
                return option;
            }
        }
        return null;
    }

    /**
     * The arguments with {@code --database} and {@code --output} given before the command moved after it, where
     * every command takes them: {@code --database x.db topics list} runs as {@code topics list --database x.db}.
     */
    static String[] commandFirst(String[] args) {
        List<String> leading = new ArrayList<>();
        int i = 0;
        while (i < args.length && leadingOption(args[i]) != null) {
            boolean separateValue = !args[i].contains("=") && i + 1 < args.length;
            leading.add(args[i++]);
            if (separateValue) {
                leading.add(args[i++]);
            }
        }
        if (leading.isEmpty()) {
            return args;
        }
        if (i == args.length) {
            return new String[0]; // options and no command: "Give a command"
        }
        List<String> all = new ArrayList<>(List.of(args).subList(i, args.length));
        all.addAll(leading);
        return all.toArray(String[]::new);
    }

    /** The admin commands, for the service's refusal of an argument it does not know. */
    public static String commands() {
        return "topics, groups, produce, consume, dlq, compact, export, import";
    }

    /** Runs the command on the process's standard streams; its exit code. */
    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err);
    }

    /** Runs the command with the given streams (UTF-8); its exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new Output(out);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            boolean terminal = err == System.err && Progress.standardErrorIsTerminal();
            return commandLine(in, outWriter, errWriter, terminal).execute(commandFirst(args));
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /**
     * Standard output as UTF-8 text, flushed at each line, whose {@link #checkError()} also reports a failed write of
     * the stream below (a {@link PrintStream} such as {@code System.out} keeps its failures to itself: a closed pipe,
     * as after {@code | head -1}, shows only in its own {@code checkError()}).
     */
    static final class Output extends PrintWriter {
        private final PrintStream stream;

        Output(PrintStream stream) {
            super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
            this.stream = stream;
        }

        /** Flushes, then whether any write failed so far, here or in the stream below. */
        @Override
        public boolean checkError() {
            return super.checkError() | stream.checkError();
        }
    }

    /** The CLI as picocli runs it, with Klite's handling of failures and bad usage. */
    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err, boolean errorIsTerminal) {
        CommandLine cli = new CommandLine(new KliteCli(in, errorIsTerminal));
        cli.getSubcommands().get("groups").addSubcommand("reset-offsets", new ResetOffsetsCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(false);
        cli.setUsageHelpLongOptionsMaxWidth(30);
        cli.setParameterExceptionHandler(KliteCli::badUsage);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(e, commandLine));
        return cli;
    }

    /**
     * {@code java -jar klite-runtime.jar} alone never gets here (it runs the service); {@code --database x.db} with no
     * command does; {@code --help} shows this.
     */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Give a command: " + String.join(", ", commandNames()));
    }

    private List<String> commandNames() {
        return List.copyOf(spec.subcommands().keySet());
    }

    /** Bad usage: one line naming the problem, and where the command's usage is; exit code 2. */
    private static int badUsage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = String.valueOf(e.getMessage()).strip().replaceFirst("^Error: ", "");
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
            && !command.getSubcommands().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            boolean root = command.getCommandSpec().root() == command.getCommandSpec();
            message = "Unknown " + (root ? "command '" : "subcommand '") + unmatched.getUnmatched().get(0) + "'"
                      + (root ? "" : " of " + command.getCommandName()) + "; allowed: "
                      + String.join(", ", command.getSubcommands().keySet());
        }
        command.getErr().println(message + " (see " + usageOf(command) + " --help)");
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * A command that failed: one line with the reason, exit code 1; a topic name the log refuses (illegal characters,
     * a clash in case with another topic) is bad usage, exit code 2.
     */
    private static int failed(Exception e, CommandLine command) {
        if (e instanceof InvalidTopicException) {
            command.getErr().println(e.getMessage() + " (see " + usageOf(command) + " --help)");
            return CommandLine.ExitCode.USAGE;
        }
        boolean expected = e instanceof CliFailure || e instanceof KliteException
                           || e instanceof GroupNotEmptyException || e instanceof IllegalArgumentException
                           || e instanceof KafkaCheckException;
        command.getErr().println(expected ? e.getMessage() : "Failed: " + KliteMain.describe(e));
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** {@code java -jar klite-runtime.jar groups reset-offsets}: how the command is run. */
    private static String usageOf(CommandLine command) {
        return command.getCommandSpec().qualifiedName();
    }
}
