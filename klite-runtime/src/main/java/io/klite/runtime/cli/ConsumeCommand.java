package io.klite.runtime.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Member;
import io.klite.log.Message;
import io.klite.log.TopicPartition;
import io.klite.runtime.admin.MessageJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code consume}, as {@code kafka-console-consumer}: prints a topic's messages, one line each (the payload as UTF-8
 * text), or with {@code --output json} one JSON document {@code {"topic","messages":[{"partition","offset","key",
 * "headers","created","data"}]}}, written as the messages come. Where it starts on each partition: {@code --offset};
 * else the group's committed offset + 1 where {@code --group} has one; else the start with {@code --from-beginning};
 * else the end (only messages written from now on, as Kafka's default). It ends after {@code --max-messages}, or once
 * no new message came for {@code --timeout-ms}, or with exit code 1 at its first write after standard output closed
 * (as after {@code | head -1}: Kafka's console consumer stops there too). {@code --offset} goes with {@code --partition} and
 * lies within the partition's start (below it starts there) and end + 1. Invariants: it writes nothing unless
 * {@code --group} and {@code --commit} (then it commits each partition's last printed offset after printing it, never
 * one that standard output did not take, refused where live members of the group consume the topic); reads take no
 * write lock.
 */
@Command(name = "consume", sortOptions = false, description = "Prints a topic's messages; commits nothing unless"
        + " --group and --commit. Ends after --max-messages, or when no message came for --timeout-ms.")
final class ConsumeCommand implements Callable<Integer> {

    private static final int BATCH = 100;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Mixin
    private CommonOptions common;

    @Mixin
    private TopicOption topic;

    @Option(names = "--partition", paramLabel = "<partition>", converter = Values.Partition.class,
            description = "Only this partition; default every partition.")
    private Integer partition;

    @Option(names = "--from-beginning", description = "Start at the oldest stored message (where --group has no"
            + " committed offset); default: at the end, printing only new messages.")
    private boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "<offset>", description = "Start at this offset of --partition (the"
            + " start where it is below it; at most the end + 1).")
    private Long offset;

    @Option(names = "--group", paramLabel = "<group>", converter = Values.Group.class,
            description = "Start after the group's committed offsets.")
    private String group;

    @Option(names = "--commit", description = "Commit the group past the printed messages (needs --group).")
    private boolean commit;

    @Option(names = "--max-messages", paramLabel = "<n>", description = "Stop after n messages.")
    private Integer maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "<ms>", defaultValue = "1000",
            description = "Stop once no new message came for this long (default: ${DEFAULT-VALUE}).")
    private long timeoutMs;

    @Option(names = "--print-key", description = "Print the key (- where none) and a tab before each message.")
    private boolean printKey;

    @Option(names = "--print-offset", description = "Print partition:offset and a tab before each message.")
    private boolean printOffset;

    private JsonGenerator json;

    /** The messages standard output took so far. */
    private long printed;

    @Override
    public Integer call() throws IOException {
        checkUsage();
        try (KliteLog log = common.openExisting()) {
            int count = TopicsCommand.existing(log, topic.name);
            if (partition != null && partition >= count) {
                throw new TopicPartition(topic.name, partition).outOfRange(true, count);
            }
            if (commit) {
                refuseLiveMembers(log);
            }
            Map<Integer, Long> next = new TreeMap<>();
            for (int p = 0; p < count; p++) {
                if (partition == null || partition == p) {
                    next.put(p, startOffset(log, p));
                }
            }
            startJson();
            consume(log, next);
            endJson();
            if (common.out().checkError()) {
                throw outputClosed(printed);
            }
        }
        return 0;
    }

    private void checkUsage() {
        if (commit && group == null) {
            throw new ParameterException(common.commandLine(), "--commit needs --group: the group to commit");
        }
        if (offset != null && (fromBeginning || group != null)) {
            throw new ParameterException(common.commandLine(), "--offset goes without --from-beginning and --group");
        }
        if (offset != null && partition == null) {
            throw new ParameterException(common.commandLine(), "--offset needs --partition: the partition is required"
                    + " when an offset is given, as an offset is a partition's");
        }
        if (offset != null && offset < 0) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--offset': '" + offset
                    + "' is not an offset; allowed: 0 or more (a partition's first offset is 1)");
        }
        if (maxMessages != null && maxMessages < 1) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--max-messages': '"
                    + maxMessages + "' is not a count; allowed: 1 or more");
        }
        if (timeoutMs < 0) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--timeout-ms': '" + timeoutMs
                    + "' is not a time; allowed: 0 or more milliseconds");
        }
    }

    private void refuseLiveMembers(KliteLog log) {
        List<Member> live = log.liveMembers(group, topic.name);
        if (!live.isEmpty()) {
            throw new CliFailure("Cannot commit for group '" + group + "' on topic '" + topic.name + "': " + live.size()
                    + " live member(s) consume with it (" + live.stream().map(m -> m.memberId() + " (" + m.description()
                    + ")").collect(Collectors.joining(", ")) + "); consume without --commit, or with another group");
        }
    }

    /** The first offset to print on the partition. */
    private long startOffset(KliteLog log, int p) {
        long start = log.startOffset(topic.name, p);
        if (offset != null) {
            long end = log.endOffset(topic.name, p);
            if (offset > end + 1) {
                throw new CliFailure("Cannot consume topic '" + topic.name + "' partition " + p + " from offset "
                        + offset + ": the offset must be within " + start + ".." + (end + 1) + " (startOffset "
                        + start + " to endOffset " + end + " + 1; below the start starts at the start)");
            }
            return Math.max(offset, start);
        }
        if (group != null) {
            OptionalLong committed = log.committed(group, topic.name, p);
            if (committed.isPresent()) {
                return Math.max(committed.getAsLong() + 1, start);
            }
        }
        return fromBeginning ? start : log.endOffset(topic.name, p) + 1;
    }

    /** Reads the partitions in turn, a batch each, until enough are printed or none came for the timeout. */
    private void consume(KliteLog log, Map<Integer, Long> next) throws IOException {
        long idleSince = System.nanoTime();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (maxMessages == null || printed < maxMessages) {
            boolean any = false;
            for (Map.Entry<Integer, Long> position : next.entrySet()) {
                int limit = (int) Math.min(BATCH, maxMessages == null ? BATCH : maxMessages - printed);
                if (limit == 0) {
                    break;
                }
                List<Message> messages = log.read(topic.name, position.getKey(), position.getValue() - 1, limit,
                        Limits.DEFAULT_MAX_BATCH_BYTES);
                if (messages.isEmpty()) {
                    continue;
                }
                long last = -1; // the last message of the batch printed
                for (Message message : messages) {
                    if (!print(position.getKey(), message)) {
                        if (commit && last > 0) {
                            log.commit(group, topic.name, position.getKey(), last);
                        }
                        throw outputClosed(printed);
                    }
                    last = message.offset();
                    printed++;
                }
                position.setValue(last + 1);
                if (commit) {
                    log.commit(group, topic.name, position.getKey(), last);
                }
                any = true;
            }
            if (any) {
                idleSince = System.nanoTime();
            } else {
                long idle = System.nanoTime() - idleSince;
                if (idle >= timeoutNanos) {
                    return;
                }
                LockSupport.parkNanos(Math.min(IDLE_POLL_NANOS, timeoutNanos - idle));
            }
        }
    }

    private CliFailure outputClosed(long printed) {
        return new CliFailure("Cannot write to standard output (closed, such as by '| head'): stopped after "
                + printed + " message(s) written" + (commit ? "; group '" + group + "' committed past those only"
                : ""));
    }

    /** Prints the message; whether standard output took it (false where it is closed: stop then). */
    private boolean print(int p, Message message) throws IOException {
        PrintWriter out = common.out();
        if (json != null) {
            json.writeObject(new MessageJson(p, message));
            json.flush();
            return !out.checkError();
        }
        StringBuilder line = new StringBuilder();
        if (printOffset) {
            line.append(p).append(':').append(message.offset()).append('\t');
        }
        if (printKey) {
            line.append(message.key() == null ? "-" : message.key()).append('\t');
        }
        out.println(line.append(new String(message.payload(), StandardCharsets.UTF_8)));
        return !out.checkError();
    }

    private void startJson() throws IOException {
        if (common.json()) {
            json = CommonOptions.mapper().getFactory().createGenerator(common.out());
            json.writeStartObject();
            json.writeStringField("topic", topic.name);
            json.writeArrayFieldStart("messages");
        }
    }

    private void endJson() throws IOException {
        PrintWriter out = common.out();
        if (json != null) {
            json.writeEndArray();
            json.writeEndObject();
            json.flush();
            out.println();
        }
        out.flush();
    }
}
