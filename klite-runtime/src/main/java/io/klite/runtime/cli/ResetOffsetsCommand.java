package io.klite.runtime.cli;

import io.klite.log.GroupNotEmptyException;
import io.klite.log.GroupPartition;
import io.klite.log.KliteException;
import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.runtime.KliteMain;
import io.klite.runtime.admin.OffsetReset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code groups reset-offsets}, as {@code kafka-consumer-groups --reset-offsets}: a dry run unless {@code --execute},
 * which resets each topic in one transaction, refused while live members of the group consume it unless
 * {@code --force} (which revokes the reset partitions' leases, so that their holders deliver again from the new
 * offsets). Where each partition goes is {@link OffsetReset}'s, as for the HTTP API's {@code POST /groups/{g}/reset}.
 * Invariants: every topic's plan is checked (topic, partitions, offsets within range, live members) before anything is
 * written; a dry run writes nothing (and warns where live members would make {@code --execute} need {@code --force});
 * each topic is reset whole or not at all, in its own transaction, so that where a later topic's reset fails (its
 * partitions changed since the plan, the file busy past the timeout) the earlier ones stay reset: they are printed,
 * and the failure (exit code 1) names the topics reset and those not.
 */
@Command(name = "reset-offsets", sortOptions = false,
        description = {"Moves a group's offsets; shows where each partition would go and writes nothing unless"
                       + " --execute. Klite's offsets: a partition's first message is offset 1; CURRENT-OFFSET and"
                       + " NEW-OFFSET are the last message counted as processed; the group then delivers from"
                       + " NEW-OFFSET + 1 (--to-offset names that next offset, as kafka-consumer-groups does)."})
final class ResetOffsetsCommand implements Callable<Integer> {

    @Mixin
    private CommonOptions common;

    @Mixin
    private GroupOption group;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Scope scope;

    @Option(names = "--partition", paramLabel = "<partition>", split = ",", converter = Values.Partition.class,
            description = "Only these partitions of --topic (such as 0,2); default every partition.")
    private List<Integer> partitions = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Where to (one of):%n")
    private Target target;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Mode mode;

    @Option(names = "--force", description = "Reset while live members consume the topic: their leases of the"
            + " partitions reset are revoked, and they deliver again from the new offsets.")
    private boolean force;

    /** {@code --topic} or {@code --all-topics}. */
    static final class Scope {
        @Option(names = "--topic", paramLabel = "<topic>", converter = Values.Topic.class, required = true,
                description = "The topic to reset.")
        String topic;

        @Option(names = "--all-topics", required = true, description = "Every topic the group consumes (one"
                + " transaction per topic: where one fails, those before it stay reset and are shown).")
        boolean allTopics;
    }

    /** One of the {@code --to-*} options, or {@code --shift-by}. */
    static final class Target {
        @Option(names = "--to-earliest", required = true, description = "The oldest message still stored.")
        boolean earliest;

        @Option(names = "--to-latest", required = true, description = "After the last message: only new ones.")
        boolean latest;

        @Option(names = "--to-offset", paramLabel = "<offset>", required = true,
                description = "The next offset to deliver.")
        Long offset;

        @Option(names = "--to-datetime", paramLabel = "<time>", required = true, converter = Values.Time.class,
                description = "The first message written at or after the time, ISO-8601 with Z or an offset, such as"
                              + " 2026-12-01T10:00:00Z.")
        Instant time;

        @Option(names = "--shift-by", paramLabel = "<n>", required = true,
                description = "n after (before, where negative) the next offset the group delivers now.")
        Long shift;

        OffsetReset.To to() {
            if (earliest) {
                return new OffsetReset.Earliest();
            }
            if (latest) {
                return new OffsetReset.Latest();
            }
            if (offset != null) {
                return new OffsetReset.Offset(offset);
            }
            return time != null ? new OffsetReset.Time(time) : new OffsetReset.Shift(shift);
        }
    }

    /** {@code --dry-run} (the default) or {@code --execute}. */
    static final class Mode {
        @Option(names = "--dry-run", required = true, description = "Show where each partition would go (the"
                + " default).")
        boolean dryRun;

        @Option(names = "--execute", required = true, description = "Reset.")
        boolean execute;
    }

    @Override
    public Integer call() {
        boolean execute = mode != null && mode.execute;
        if (scope.allTopics && !partitions.isEmpty()) {
            throw new ParameterException(common.commandLine(), "--partition goes with --topic, not --all-topics");
        }
        try (KliteLog log = common.openExisting()) {
            List<String> topics = scope.allTopics ? topicsOf(log) : List.of(scope.topic);
            List<OffsetReset> resets = new ArrayList<>();
            for (String topic : topics) {
                resets.add(OffsetReset.plan(log, group.name, topic, partitions, target.to()));
            }
            if (execute) {
                if (!force && topics.size() > 1) {
                    refuseLiveMembers(log, topics);
                }
                resets = executeAll(log, resets);
            } else {
                warnOfLiveMembers(log, topics);
            }
            print(resets, execute);
        }
        return 0;
    }

    /**
     * Resets each topic in its own transaction, in turn. Where one fails, those before it stay reset: they are
     * printed, and the failure names the topics reset and those not.
     */
    private List<OffsetReset> executeAll(KliteLog log, List<OffsetReset> resets) {
        List<OffsetReset> done = new ArrayList<>();
        for (OffsetReset reset : resets) {
            try {
                done.add(reset.execute(log, force));
            } catch (RuntimeException e) {
                String reason = e instanceof GroupNotEmptyException ? e.getMessage() + " (--force)"
                        : e instanceof KliteException || e instanceof IllegalArgumentException ? e.getMessage()
                        : KliteMain.describe(e);
                if (done.isEmpty()) {
                    throw new CliFailure(reason);
                }
                print(done, true);
                List<String> notReset = resets.subList(done.size(), resets.size()).stream().map(OffsetReset::topic)
                        .toList();
                throw new CliFailure("Reset group '" + group.name + "' on topic(s) " + names(done.stream()
                        .map(OffsetReset::topic).toList()) + " (shown above), then failed on topic '" + reset.topic()
                        + "': " + reason + "; not reset: " + names(notReset));
            }
        }
        return done;
    }

    private static String names(List<String> topics) {
        return topics.stream().map(topic -> "'" + topic + "'").collect(Collectors.joining(", "));
    }

    /** A dry run of a group with live members warns, on standard error, that {@code --execute} needs --force. */
    private void warnOfLiveMembers(KliteLog log, List<String> topics) {
        int live = 0;
        for (String topic : topics) {
            live += log.liveMembers(group.name, topic).size();
        }
        if (live > 0 && !force) {
            common.commandLine().getErr().println("Warning: " + live + " live member(s) of group '" + group.name
                    + "' consume " + (topics.size() == 1 ? "topic '" + topics.get(0) + "'" : "these topics")
                    + ": --execute will be refused unless --force (see 'groups describe --group " + group.name
                    + "')");
        }
    }

    private List<String> topicsOf(KliteLog log) {
        List<String> topics = log.groupPartitions(group.name).stream().map(GroupPartition::topic).distinct()
                .toList();
        if (topics.isEmpty()) {
            throw GroupsCommand.unknown(group.name);
        }
        return topics;
    }

    /** Before a reset of several topics: none is written where live members consume any of them. */
    private void refuseLiveMembers(KliteLog log, List<String> topics) {
        List<String> live = new ArrayList<>();
        for (String topic : topics) {
            for (Member member : log.liveMembers(group.name, topic)) {
                live.add(member.memberId() + " (" + member.description() + ") on topic '" + topic + "'");
            }
        }
        if (!live.isEmpty()) {
            throw new CliFailure("Cannot reset the offsets of group '" + group.name + "': " + live.size() + " live"
                    + " member(s) consume with it: " + String.join(", ", live) + "; stop them first, or add --force,"
                    + " which revokes their leases of the partitions reset");
        }
    }

    private void print(List<OffsetReset> resets, boolean executed) {
        Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "NEXT-OFFSET");
        for (OffsetReset reset : resets) {
            for (OffsetReset.Partition partition : reset.partitions()) {
                table.row(reset.group(), reset.topic(), partition.partition(), partition.committedOffset(),
                        partition.newCommittedOffset(), partition.nextOffset());
            }
        }
        String note = executed ? "" : "Dry run: nothing was written; add --execute to reset group '" + group.name
                + "'.\n";
        Object json = scope.allTopics ? resets.stream().map(reset -> reset.json(executed)).collect(Collectors.toList())
                : resets.get(0).json(executed);
        common.print(json, table.render() + note);
    }
}
