package io.klite.runtime.cli;

import io.klite.log.GroupPartition;
import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.runtime.api.GroupsJson;
import io.klite.runtime.api.GroupsJson.GroupTopic;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code groups list|describe|reset-offsets|delete}, as {@code kafka-consumer-groups}. A group shows on every
 * partition the file knows it consumes ({@link KliteLog#groupPartitions()}: commits, live members, leases, failed
 * deliveries). Columns as {@code kafka-consumer-groups --describe}, in Klite's offsets: {@code CURRENT-OFFSET} is the
 * last message the group processed ({@code -} where it never committed), {@code LOG-END-OFFSET} the last one written,
 * and {@code LAG} what is still to process (counted from the partition's start where the group never committed). The
 * JSON is the HTTP API's ({@code GET /groups}, {@code GET /groups/{group}}, {@code DELETE /groups/{group}}).
 * {@code reset-offsets} is {@link ResetOffsetsCommand}, added after the others so that the subcommands list in the
 * order of their names.
 */
@Command(name = "groups", description = "Lists, describes, resets and deletes consumer groups.",
        synopsisSubcommandLabel = "(list | describe | reset-offsets | delete)")
final class GroupsCommand implements Runnable {

    private static final String[] COLUMNS = {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                             "MEMBER-ID"};

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    private boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Give a subcommand of groups: list, describe, reset-offsets"
                + " or delete");
    }

    @Command(name = "list", description = "Every partition each group consumes, with its committed offset, the"
            + " partition's end offset, the lag and the live member holding it.")
    int list(@Mixin CommonOptions common) {
        try (KliteLog log = common.openExisting()) {
            List<GroupTopic> groups = GroupsJson.of(log.groupPartitions(), log.liveMembers());
            Table table = new Table(COLUMNS);
            groups.forEach(group -> rows(table, group));
            common.print(GroupsJson.list(groups), table.render());
        }
        return 0;
    }

    @Command(name = "describe", description = "One group: its partitions as 'groups list' shows them, then its live"
            + " members.")
    int describe(@Mixin CommonOptions common, @Mixin GroupOption group) {
        try (KliteLog log = common.openExisting()) {
            List<GroupTopic> groups = GroupsJson.of(log.groupPartitions(group.name), log.liveMembers());
            Map<String, Object> json = GroupsJson.describe(group.name, groups);
            if (json == null) {
                throw unknown(group.name);
            }
            Table partitions = new Table(COLUMNS);
            Table members = new Table("GROUP", "TOPIC", "MEMBER-ID", "DESCRIPTION", "PARTITIONS", "HEARTBEAT-AT");
            for (GroupTopic topic : groups) {
                rows(partitions, topic);
                for (Member member : topic.members()) {
                    members.row(member.group(), member.topic(), member.memberId(), member.description(),
                            member.partitions().isEmpty() ? null : member.partitions().stream().map(String::valueOf)
                                    .collect(Collectors.joining(",")), member.heartbeatAt());
                }
            }
            common.print(json, partitions.render() + (members.isEmpty() ? "" : "\n" + members.render()));
        }
        return 0;
    }

    @Command(name = "delete", description = "Deletes a group: its committed offsets, failure counts, members and"
            + " leases; refused while it has live members. Retention's keep-unconsumed then no longer waits for it.")
    int delete(@Mixin CommonOptions common, @Mixin GroupOption group) {
        try (KliteLog log = common.openExisting()) {
            if (log.groupPartitions(group.name).isEmpty()) {
                throw unknown(group.name);
            }
            // refused with a GroupNotEmptyException while it has live members, naming them
            int removed = log.deleteGroup(group.name);
            common.print(CommonOptions.object("group", group.name, "partitions", removed), "Deleted group '"
                    + group.name + "' (its committed offsets on " + removed + " partition(s)).\n");
        }
        return 0;
    }

    private static void rows(Table table, GroupTopic group) {
        for (GroupPartition partition : group.partitions()) {
            table.row(partition.group(), partition.topic(), partition.partition(), partition.committedOffset(),
                    partition.endOffset(), partition.lag(), partition.holder());
        }
    }

    static CliFailure unknown(String group) {
        return new CliFailure("Group '" + group + "' does not exist: the file has no committed offset, live member,"
                + " lease or failed delivery of it; 'groups list' lists the groups");
    }
}
