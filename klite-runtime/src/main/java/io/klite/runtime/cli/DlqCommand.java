package io.klite.runtime.cli;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.RedriveResult;
import io.klite.runtime.admin.DeadLetterList;
import io.klite.runtime.admin.DeadLetterRedrive;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dlq list|redrive}: the dead letters of a dead-letter topic ({@code <topic>.dlq} by default), each with the
 * {@code klite.original.*} headers saying where it came from and why it failed, and their redrive back to their
 * original topics ({@link KliteLog#redrive}, {@link KliteLog#redriveAll}). A dead letter is pending until redriven;
 * how far each partition was redriven is the {@value KliteLog#REDRIVE_GROUP} group's committed offset there. What
 * is listed and redriven is {@link DeadLetterList}'s and {@link DeadLetterRedrive}'s, shared with the HTTP API.
 * Invariants: {@code list} writes nothing; a redrive copies each dead letter back once.
 */
@Command(name = "dlq", description = "Lists and redrives dead letters.", synopsisSubcommandLabel = "(list | redrive)")
final class DlqCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    private boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Give a subcommand of dlq: list or redrive");
    }

    @Command(name = "list", description = "The dead letters not redriven yet (with --all, every one), oldest first"
            + " per partition: where each came from, the group, its attempts and the last error.")
    int list(@Mixin CommonOptions common, @Mixin TopicOption topic,
            @Option(names = "--all", description = "Also those redriven already.") boolean all,
            @Option(names = "--partition", paramLabel = "<partition>", converter = Values.Partition.class,
                    description = "Only this partition of the dead-letter topic.") Integer partition,
            @Option(names = "--from-offset", paramLabel = "<offset>", description = "The first dead-letter offset to"
                    + " show (needs --partition); default the first not redriven (with --all, the first stored).")
            Long from,
            @Option(names = "--max-messages", paramLabel = "<n>", defaultValue = "100",
                    description = "Show at most n (default: ${DEFAULT-VALUE}).") int maxMessages) {
        if (maxMessages < 1) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--max-messages': '"
                    + maxMessages + "' is not a count; allowed: 1 or more");
        }
        if (partition == null && from != null) {
            throw new ParameterException(common.commandLine(), "--from-offset needs --partition: offsets are a"
                    + " partition's");
        }
        checkOffset(common, "--from-offset", from);
        try (KliteLog log = common.openExisting()) {
            TopicsCommand.existing(log, topic.name);
            DeadLetterList list = DeadLetterList.read(log, topic.name, partition, from, all, maxMessages);
            Table table = new Table("PARTITION", "OFFSET", "REDRIVEN", "ORIGINAL-TOPIC", "ORIGINAL-PARTITION",
                    "ORIGINAL-OFFSET", "GROUP", "ATTEMPTS", "FAILED-AT", "ERROR");
            for (DeadLetterList.Partition listed : list.partitions()) {
                for (Message message : listed.messages()) {
                    Map<String, String> headers = message.headers();
                    String exception = headers.get(DeadLetter.EXCEPTION_CLASS);
                    String error = exception == null ? null : exception + (headers.getOrDefault(
                            DeadLetter.EXCEPTION_MESSAGE, "").isEmpty() ? "" : ": "
                            + headers.get(DeadLetter.EXCEPTION_MESSAGE).replaceAll("\\s+", " "));
                    table.row(listed.partition(), message.offset(), listed.redriven(message) ? "yes" : "no",
                            headers.get(DeadLetter.ORIGINAL_TOPIC), headers.get(DeadLetter.ORIGINAL_PARTITION),
                            headers.get(DeadLetter.ORIGINAL_OFFSET), headers.get(DeadLetter.GROUP),
                            headers.get(DeadLetter.ATTEMPTS), headers.get(DeadLetter.FAILED_AT), error);
                }
            }
            String note = !list.more() ? ""
                    : partition != null ? "More dead letters follow; --from-offset "
                                          + list.partitions().get(0).nextOffset() + " shows the next ones.\n"
                    : "More dead letters follow; --max-messages shows more, --partition with --from-offset the next"
                      + " ones of a partition (its nextOffset in --output json).\n";
            common.print(list.json(), table.render() + note);
        }
        return 0;
    }

    private static void checkOffset(CommonOptions common, String option, Long offset) {
        if (offset != null && offset < 1) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '" + option + "': '" + offset
                    + "' is not an offset; allowed: 1 or more (a partition's first offset is 1)");
        }
    }

    @Command(name = "redrive", description = "Copies dead letters back to the topic and partition each came from"
            + " (key, payload and headers kept, the dead-letter headers taken off), once: every pending one, or"
            + " those of --partition from --from-offset to --to-offset.")
    int redrive(@Mixin CommonOptions common, @Mixin TopicOption topic,
            @Option(names = "--partition", paramLabel = "<partition>", converter = Values.Partition.class,
                    description = "Only this partition of the dead-letter topic.") Integer partition,
            @Option(names = "--from-offset", paramLabel = "<offset>", description = "The first dead-letter offset"
                    + " (needs --partition); default the first not redriven.") Long from,
            @Option(names = "--to-offset", paramLabel = "<offset>", description = "The last dead-letter offset"
                    + " (needs --partition); default the partition's end.") Long to) {
        if (partition == null && (from != null || to != null)) {
            throw new ParameterException(common.commandLine(), "--from-offset and --to-offset need --partition:"
                    + " offsets are a partition's");
        }
        checkOffset(common, "--from-offset", from);
        checkOffset(common, "--to-offset", to);
        if (from != null && to != null && from > to) {
            throw new ParameterException(common.commandLine(), "--from-offset " + from + " is after --to-offset " + to
                    + ": the range runs from --from-offset to --to-offset, so --from-offset must not be greater");
        }
        try (KliteLog log = common.openExisting()) {
            TopicsCommand.existing(log, topic.name);
            DeadLetterRedrive redrive = DeadLetterRedrive.run(log, topic.name, partition, from, to);
            Table table = new Table("TOPIC", "PARTITION", "REDRIVEN", "FIRST-OFFSET", "LAST-OFFSET");
            for (RedriveResult result : redrive.partitions()) {
                boolean any = result.messages() > 0;
                table.row(result.deadLetterTopic(), result.partition(), result.messages(),
                        any ? result.firstOffset() : null, any ? result.lastOffset() : null);
            }
            common.print(redrive.json(), table.render());
        }
        return 0;
    }
}
