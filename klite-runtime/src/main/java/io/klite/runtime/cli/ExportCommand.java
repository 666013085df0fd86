package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.runtime.cli.ExportCopy.Part;
import io.klite.runtime.cli.ExportCopy.Plan;
import io.klite.runtime.kafka.KafkaCheckException;
import io.klite.runtime.kafka.KafkaRecords;
import io.klite.runtime.kafka.KafkaTopicCheck;
import io.klite.runtime.kafka.Partitioning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;

/**
 * {@code export --to-kafka}: a one-time copy of Klite topics into Kafka topics, each partition from its start (or
 * {@code --from-offset}, or after {@code --group}'s committed offset) up to its end offset as read when the command
 * starts, in batches of {@code --batch-size}, with an idempotent producer and {@code acks=all}; each message as
 * {@link KafkaRecords} maps it (key, payload, headers, {@code created} as the timestamp; the same partition number, or
 * Kafka's partitioner on the key with {@code --partitioning key}). Invariants: the Kafka topics are checked
 * ({@link KafkaTopicCheck}: brokers reachable, topic present, enough partitions) before anything is sent; with
 * {@code --group} a partition is committed only up to a batch that Kafka acknowledged, every batch before it on that
 * partition acknowledged too, so that a failure leaves nothing committed past what Kafka holds and a second run
 * carries on from there; it is refused while live members of the group consume a topic; no Kafka call waits longer
 * than {@link KafkaClients}' bounds. The copy itself is {@link ExportCopy}'s. Progress goes to standard error
 * ({@link Progress}), the summary to standard output.
 */
@Command(name = "export", sortOptions = false,
        description = {"Copies Klite topics to Kafka topics once (--to-kafka), with a group committed as Kafka"
                       + " acknowledges.",
                       "Each partition from its start, or --from-offset, or after --group's committed offset, up to its"
                       + " end as read at the start; keys, headers and timestamps kept, acks=all with an idempotent"
                       + " producer. With --group, each partition is committed once Kafka acknowledged its batch: a"
                       + " second run carries on from there. Progress on standard error, the summary on standard"
                       + " output."})
final class ExportCommand implements Callable<Integer> {

    private static final int MAX_BATCH_SIZE = 10_000;

    @ParentCommand
    private KliteCli cli;

    @Mixin
    private CommonOptions common;

    @Option(names = "--to-kafka", required = true, description = "Copy to Kafka (the only target).")
    private boolean toKafka;

    @Option(names = "--brokers", paramLabel = "<host:port,...>", required = true, converter = Values.Brokers.class,
            description = "Kafka's bootstrap servers, such as 127.0.0.1:9092.")
    private String brokers;

    @Option(names = "--command-config", paramLabel = "<file>",
            description = "Kafka client settings (security.protocol, ssl.*, sasl.*, client.id and the like), a"
                          + " properties file as Kafka's tools take it, for every Kafka client of the command;"
                          + " bootstrap.servers (--brokers), acks=all, idempotence and the timeouts stay the"
                          + " command's.")
    private Path commandConfig;

    @Option(names = "--topic", paramLabel = "<topic>", required = true, converter = Values.Topic.class,
            description = "A Klite topic to copy; repeat for several.")
    private List<String> topics;

    @Option(names = "--kafka-topic", paramLabel = "<topic>", converter = Values.Topic.class,
            description = "The Kafka topic (one --topic only); default the Klite topic's name.")
    private String kafkaTopic;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Start start;

    @Option(names = "--partitioning", paramLabel = "same|key", defaultValue = "same",
            converter = Values.PartitioningValue.class,
            description = "same (default): each message to the Kafka partition of its Klite partition's number (the"
                          + " Kafka topic needs at least as many partitions); key: Kafka's partitioner places it by"
                          + " key (order kept per key only).")
    private Partitioning partitioning;

    @Option(names = "--batch-size", paramLabel = "<n>", defaultValue = "500",
            description = "Messages read and sent per batch, and committed at once with --group (default:"
                          + " ${DEFAULT-VALUE}).")
    private int batchSize;

    /** {@code --from-offset} or {@code --group}. */
    static final class Start {
        @Option(names = "--from-offset", paramLabel = "<offset>", required = true,
                description = "The first Klite offset to copy on every partition (the start where it is below; at most"
                              + " the highest end offset + 1).")
        Long fromOffset;

        @Option(names = "--group", paramLabel = "<group>", required = true, converter = Values.Group.class,
                description = "A Klite group: copy what comes after its committed offsets, and commit it as Kafka"
                              + " acknowledges.")
        String group;
    }

    @Override
    public Integer call() {
        checkUsage();
        long began = System.nanoTime();
        KafkaClients kafka = KafkaClients.forExport(brokers, commandConfig);
        try (KliteLog log = common.openExisting()) {
            List<Plan> plans = plan(log);
            if (group() != null) {
                refuseLiveMembers(log, plans);
            }
            try (KafkaTopicCheck check = kafka.check()) {
                for (Plan plan : plans) {
                    check.checkTarget(plan.kafkaTopic(), plan.topic(), plan.partitions(), partitioning);
                }
            } catch (KafkaCheckException e) {
                throw kafka.explain(e);
            }
            KafkaProducer<String, byte[]> producer = kafka.producer();
            try {
                ExportCopy copy = new ExportCopy(log, producer, brokers, partitioning, batchSize, group(),
                        new Progress(common.commandLine().getErr(), cli.errorIsTerminal));
                for (Plan plan : plans) {
                    copy.copy(plan);
                    if (copy.failure() != null) {
                        print(plans, System.nanoTime() - began);
                        throw new CliFailure(copy.failure() + "; " + copy.howFar(plans));
                    }
                }
            } finally {
                producer.close(KafkaClients.CLOSE_TIMEOUT);
            }
            print(plans, System.nanoTime() - began);
        }
        return 0;
    }

    private String group() {
        return start == null ? null : start.group;
    }

    private void checkUsage() {
        if (kafkaTopic != null && topics.size() > 1) {
            throw new ParameterException(common.commandLine(), "--kafka-topic goes with one --topic only ("
                    + topics.size() + " given): several topics each go to the Kafka topic of their own name");
        }
        if (start != null && start.fromOffset != null && start.fromOffset < 1) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--from-offset': '"
                    + start.fromOffset + "' is not an offset; allowed: 1 or more (a partition's first offset is 1)");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new ParameterException(common.commandLine(), "Invalid value for option '--batch-size': '" + batchSize
                    + "' is not a batch size; allowed: 1 to " + MAX_BATCH_SIZE);
        }
        if (topics.stream().distinct().count() < topics.size()) {
            throw new ParameterException(common.commandLine(), "--topic names a topic twice: " + topics);
        }
    }

    /** Each topic's partitions with the offsets to copy, the end offsets read now. */
    private List<Plan> plan(KliteLog log) {
        List<Plan> plans = new ArrayList<>();
        for (String topic : topics) {
            int count = TopicsCommand.existing(log, topic);
            List<Part> parts = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                long first = log.startOffset(topic, p);
                long end = log.endOffset(topic, p);
                long from = first;
                if (start != null && start.fromOffset != null) {
                    from = Math.max(start.fromOffset, first);
                } else if (start != null) {
                    OptionalLong committed = log.committed(start.group, topic, p);
                    if (committed.isPresent()) {
                        from = Math.max(committed.getAsLong() + 1, first);
                    }
                }
                parts.add(new Part(p, from, end));
            }
            if (start != null && start.fromOffset != null) {
                refusePastTheEnd(topic, parts);
            }
            plans.add(new Plan(topic, kafkaTopic != null ? kafkaTopic : topic, count, parts));
        }
        return plans;
    }

    /**
     * Refuses a {@code --from-offset} past the end of every partition of the topic (as {@code consume --offset} refuses
     * one past its partition's): a mistyped offset, not a copy of nothing. At the end + 1 of one partition is allowed:
     * nothing to copy yet.
     */
    private void refusePastTheEnd(String topic, List<Part> parts) {
        Part longest = parts.stream().max(Comparator.comparingLong(part -> part.end)).orElseThrow();
        if (start.fromOffset > longest.end + 1) {
            throw new CliFailure("Cannot export topic '" + topic + "' from offset " + start.fromOffset + ": it is past"
                    + " the end of every partition; allowed: 1.." + (longest.end + 1) + " (up to endOffset "
                    + longest.end + " of partition " + longest.partition + ", the highest, + 1; below a partition's"
                    + " start copies from its start); nothing was sent");
        }
    }

    private void refuseLiveMembers(KliteLog log, List<Plan> plans) {
        List<String> live = new ArrayList<>();
        for (Plan plan : plans) {
            for (Member member : log.liveMembers(start.group, plan.topic())) {
                live.add(member.memberId() + " (" + member.description() + ") on topic '" + plan.topic() + "'");
            }
        }
        if (!live.isEmpty()) {
            throw new CliFailure("Cannot export with group '" + start.group + "': " + live.size() + " live member(s)"
                    + " consume with it: " + String.join(", ", live) + "; their commits and the export's would race:"
                    + " stop them first, or export with another group, or with --from-offset");
        }
    }

    private void print(List<Plan> plans, long nanos) {
        Table table = new Table("TOPIC", "PARTITION", "FROM-OFFSET", "TO-OFFSET", "MESSAGES", "KAFKA-TOPIC",
                "KAFKA-PARTITION", "GROUP-OFFSET");
        List<Map<String, Object>> topicsJson = new ArrayList<>();
        long total = 0;
        for (Plan plan : plans) {
            List<Map<String, Object>> partitionsJson = new ArrayList<>();
            for (Part part : plan.parts()) {
                Long from = part.copied > 0 ? part.from : null;
                Long to = part.copied > 0 ? part.acknowledged : null;
                Integer kafkaPartition = partitioning == Partitioning.SAME ? part.partition : null;
                table.row(plan.topic(), part.partition, from, to, part.copied, plan.kafkaTopic(),
                        kafkaPartition == null ? "by key" : kafkaPartition, part.committed);
                partitionsJson.add(CommonOptions.object("partition", part.partition, "fromOffset", from,
                        "toOffset", to, "messages", part.copied, "kafkaPartition", kafkaPartition,
                        "committedOffset", part.committed));
            }
            total += plan.copied();
            topicsJson.add(CommonOptions.object("topic", plan.topic(), "kafkaTopic", plan.kafkaTopic(),
                    "messages", plan.copied(), "partitions", partitionsJson));
        }
        Map<String, Object> json = CommonOptions.object("brokers", brokers, "partitioning", partitioning.text(),
                "group", group(), "messages", total, "seconds", KafkaClients.seconds(nanos),
                "messagesPerSecond", KafkaClients.rate(total, nanos), "topics", topicsJson);
        String line = String.format(Locale.ROOT, "Exported %d message(s) to Kafka at %s in %.1f s (%d msg/s),"
                + " acknowledged with acks=all.%n", total, brokers, nanos / 1e9, KafkaClients.rate(total, nanos));
        common.print(json, table.render() + line);
    }
}
