package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import io.klite.runtime.admin.TopicDeletion;
import io.klite.runtime.api.TopicConfigJson;
import io.klite.runtime.api.TopicJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code topics list|describe|create|config|delete}, as {@code kafka-topics} and {@code kafka-configs}. The JSON of
 * each is the HTTP API's for the same thing ({@code GET /topics}, {@code GET|PUT /topics/{topic}},
 * {@code GET|PUT /topics/{topic}/config}, {@code DELETE /topics/{topic}}). Invariant: only {@code create} creates the
 * database file; a refused command wrote nothing.
 */
@Command(name = "topics", description = "Lists, describes, creates, configures and deletes topics.",
        synopsisSubcommandLabel = "(list | describe | create | config | delete)")
final class TopicsCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    private boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Give a subcommand of topics: list, describe, create,"
                + " config or delete");
    }

    @Command(name = "list", description = "Lists the topics with their partition counts (JSON: as GET /topics).")
    int list(@Mixin CommonOptions common) {
        try (KliteLog log = common.openExisting()) {
            List<Map<String, Object>> topics = TopicJson.list(log);
            Table table = new Table("TOPIC", "PARTITIONS");
            topics.forEach(topic -> table.row(topic.get("topic"), ((List<?>) topic.get("partitions")).size()));
            common.print(topics, table.render());
        }
        return 0;
    }

    @Command(name = "describe", description = "Shows a topic's partitions with their start offsets (the oldest"
            + " message still stored) and end offsets (the last one written).")
    int describe(@Mixin CommonOptions common, @Mixin TopicOption topic) {
        try (KliteLog log = common.openExisting()) {
            int count = existing(log, topic.name);
            printTopic(common, TopicJson.answer(log, topic.name, count));
        }
        return 0;
    }

    @Command(name = "create", description = "Creates a topic; creates the database file where it has none.")
    int create(@Mixin CommonOptions common, @Mixin TopicOption topic,
            @Option(names = "--partitions", paramLabel = "<count>", defaultValue = "1",
                    converter = Values.PartitionCount.class,
                    description = "Its partitions, 1 to 1000 (default: ${DEFAULT-VALUE}).") int partitions,
            @Option(names = "--if-not-exists", description = "Succeed where the topic exists already (whatever its"
                    + " partition count), as kafka-topics does.") boolean ifNotExists) {
        try (KliteLog log = common.openOrCreate()) {
            int existing = log.partitionCount(topic.name);
            if (existing == 0) {
                // another process may create it first, and with another count
                existing = log.createTopicIfAbsent(topic.name, partitions);
                if (existing != partitions && !ifNotExists) {
                    throw exists(topic.name, existing);
                }
            } else if (!ifNotExists) {
                throw exists(topic.name, existing);
            }
            printTopic(common, TopicJson.answer(log, topic.name, existing));
        }
        return 0;
    }

    @Command(name = "config", description = {"Shows a topic's retention, or changes the settings given (the others"
            + " keep their values). Retention deletes a partition's oldest messages: those older than the age, and"
            + " those beyond the newest <count>; keep-unconsumed never deletes one that a group with a committed"
            + " offset there has not processed."})
    int config(@Mixin CommonOptions common, @Mixin TopicOption topic,
            @Option(names = "--retention-age", paramLabel = "<age>|none", converter = Values.RetentionAge.class,
                    description = "Such as 7d, 12h, 30m, 45s, 500ms; none for no age limit.")
            Values.Limit<Duration> age,
            @Option(names = "--retention-messages", paramLabel = "<count>|none",
                    converter = Values.RetentionMessages.class,
                    description = "Messages kept per partition, 1 or more; none for no count limit.")
            Values.Limit<Long> messages,
            @Option(names = "--keep-unconsumed", paramLabel = "true|false", arity = "1", converter = Values.Bool.class,
                    description = "Whether retention keeps what a group has not processed yet.") Boolean keep) {
        try (KliteLog log = common.openExisting()) {
            existing(log, topic.name);
            TopicConfig config = log.topicConfig(topic.name);
            if (age != null || messages != null || keep != null) {
                config = new TopicConfig(age == null ? config.retentionAge() : age.value(),
                        messages == null ? config.retentionMessages() : messages.value(),
                        keep == null ? config.keepUnconsumed() : keep);
                log.configureTopic(topic.name, config);
            }
            Table table = new Table("TOPIC", "RETENTION-AGE", "RETENTION-MESSAGES", "KEEP-UNCONSUMED").row(topic.name,
                    config.retentionAge() == null ? null : Limits.formatRetentionAge(config.retentionAge()),
                    config.retentionMessages(), config.keepUnconsumed());
            common.print(TopicConfigJson.answer(topic.name, config), table.render());
        }
        return 0;
    }

    @Command(name = "delete", description = "Deletes a topic: its messages, every group's offsets on it and its"
            + " settings; refused while live members consume it. Its dead-letter topic stays.")
    int delete(@Mixin CommonOptions common, @Mixin TopicOption topic,
            @Option(names = "--confirm", paramLabel = "<topic>", description = "The topic's name again: the"
                    + " confirmation.") String confirm) {
        String unconfirmed = TopicDeletion.unconfirmed(topic.name, confirm, "--confirm ");
        if (unconfirmed != null) {
            throw new ParameterException(common.commandLine(), unconfirmed);
        }
        try (KliteLog log = common.openExisting()) {
            // refused with a GroupNotEmptyException while live members consume it, naming them
            int partitions = log.deleteTopic(topic.name);
            common.print(CommonOptions.object("topic", topic.name, "partitions", partitions), "Deleted topic '" + topic.name
                    + "' (" + partitions + " partition(s)).\n");
        }
        return 0;
    }

    /** The partition count of a topic that must exist. */
    static int existing(KliteLog log, String topic) {
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new CliFailure("Topic '" + topic + "' does not exist in '" + log.path() + "'; 'topics list' lists"
                    + " the topics");
        }
        return count;
    }

    private static CliFailure exists(String topic, int partitions) {
        return new CliFailure("Topic '" + topic + "' exists already, with " + partitions + " partition(s); add"
                + " --if-not-exists where that is fine");
    }

    @SuppressWarnings("unchecked")
    private static void printTopic(CommonOptions common, Map<String, Object> json) {
        Table table = new Table("TOPIC", "PARTITION", "START-OFFSET", "END-OFFSET");
        for (Map<String, Object> partition : (List<Map<String, Object>>) json.get("partitions")) {
            table.row(json.get("topic"), partition.get("partition"), partition.get("startOffset"),
                    partition.get("endOffset"));
        }
        common.print(json, table.render());
    }
}
