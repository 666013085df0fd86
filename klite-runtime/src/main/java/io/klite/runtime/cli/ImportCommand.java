package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.runtime.KliteMain;
import io.klite.runtime.cli.ImportCopy.Part;
import io.klite.runtime.cli.ImportCopy.Plan;
import io.klite.runtime.kafka.KafkaCheckException;
import io.klite.runtime.kafka.KafkaRecords;
import io.klite.runtime.kafka.KafkaTopicCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;

/**
 * {@code import --from-kafka}: a one-time copy of Kafka topics into Klite topics, each Kafka partition from its
 * beginning (or after {@code --group}'s committed offset) up to its end offset as read when the command starts (only
 * committed records: {@code read_committed}), appended to the Klite partition of the same number with its key and
 * headers (as {@link KafkaRecords} reads them back: UTF-8, a repeated header name's last value), one transaction per
 * partition and poll ({@link ImportCopy}). Invariants: Kafka is asked first (brokers reachable, topics present, their
 * offsets), and only then is the file opened (created where missing); every Klite topic is checked before anything
 * is written: a missing one is created with the Kafka topic's partition count, one with fewer partitions is refused,
 * writing nothing; with {@code --group} (a Kafka consumer group, refused while it has live members) each partition is
 * committed in Kafka only after Klite stored the records before that offset, so that a second run carries on; a
 * tombstone (a null value) stops the copy, naming it, unless {@code --skip-tombstones}; no Kafka call waits longer
 * than {@link KafkaClients}' bounds.
 */
@Command(name = "import", sortOptions = false,
        description = {"Copies Kafka topics into Klite topics once (--from-kafka), partition for partition.",
                       "Each partition from its beginning, or from --group's committed offsets, up to its end as read"
                       + " at the start, into the Klite partition of the same number, keys and headers kept; creates a"
                       + " missing Klite topic with the Kafka topic's partition count. Progress on standard error, the"
                       + " summary on standard output."})
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    private KliteCli cli;

    @Mixin
    private CommonOptions common;

    @Option(names = "--from-kafka", required = true, description = "Copy from Kafka (the only source).")
    private boolean fromKafka;

    @Option(names = "--brokers", paramLabel = "<host:port,...>", required = true, converter = Values.Brokers.class,
            description = "Kafka's bootstrap servers, such as 127.0.0.1:9092.")
    private String brokers;

    @Option(names = "--command-config", paramLabel = "<file>",
            description = "Kafka client settings (security.protocol, ssl.*, sasl.*, client.id and the like), a"
                          + " properties file as Kafka's tools take it, for every Kafka client of the command;"
                          + " bootstrap.servers (--brokers), group.id (--group), read_committed, no auto commit and"
                          + " the timeouts stay the command's.")
    private Path commandConfig;

    @Option(names = "--topic", paramLabel = "<topic>", required = true, converter = Values.Topic.class,
            description = "A Kafka topic to copy; repeat for several.")
    private List<String> topics;

    @Option(names = "--klite-topic", paramLabel = "<topic>", converter = Values.Topic.class,
            description = "The Klite topic (one --topic only); default the Kafka topic's name.")
    private String kliteTopic;

    @Option(names = "--group", paramLabel = "<group>", converter = Values.Group.class,
            description = "A Kafka consumer group: start after its committed offsets, and commit them as Klite stores"
                          + " each batch.")
    private String group;

    @Option(names = "--skip-tombstones", description = "Leave out records with a null value (counted in the"
            + " summary); without it, one stops the import, naming it.")
    private boolean skipTombstones;

    @Override
    public Integer call() {
        checkUsage();
        long began = System.nanoTime();
        // Kafka first: a file is neither created nor written where Kafka cannot be read
        KafkaClients kafka = KafkaClients.forImport(brokers, commandConfig, group);
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (KafkaTopicCheck check = kafka.check()) {
            for (String topic : topics) {
                counts.put(topic, check.partitionCount(topic));
            }
        } catch (KafkaCheckException e) {
            throw kafka.explain(e);
        }
        if (group != null) {
            KafkaGroups.refuseLiveMembers(kafka, group);
        }
        KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(group);
        try {
            List<Plan> plans = new ArrayList<>();
            try {
                for (String topic : topics) {
                    plans.add(ImportCopy.plan(consumer, group, topic, target(topic), counts.get(topic)));
                }
            } catch (KafkaException e) {
                throw new CliFailure("Kafka at '" + brokers + "' failed while the offsets were read: "
                        + KliteMain.describe(e) + "; nothing was written");
            }
            try (KliteLog log = common.openOrCreate()) {
                createTopics(log, counts);
                ImportCopy copy = new ImportCopy(log, consumer, brokers, group, skipTombstones,
                        new Progress(common.commandLine().getErr(), cli.errorIsTerminal));
                try {
                    for (Plan plan : plans) {
                        copy.copy(plan);
                    }
                } catch (CliFailure | KafkaException e) {
                    copy.interrupt();
                    print(plans, System.nanoTime() - began);
                    String reason = e instanceof CliFailure ? e.getMessage()
                            : "Kafka at '" + brokers + "' failed: " + KliteMain.describe(e);
                    throw new CliFailure(reason + "; " + copy.howFar(plans));
                }
                print(plans, System.nanoTime() - began);
            }
        } finally {
            consumer.close(KafkaClients.CLOSE_TIMEOUT);
        }
        return 0;
    }

    private String target(String topic) {
        return kliteTopic != null ? kliteTopic : topic;
    }

    /**
     * Creates the Klite topics that are missing, with the Kafka topics' partition counts, after every one was checked:
     * one with fewer partitions is refused before anything is written.
     */
    private void createTopics(KliteLog log, Map<String, Integer> counts) {
        for (String topic : topics) {
            int existing = log.partitionCount(target(topic));
            if (existing > 0 && existing < counts.get(topic)) {
                throw fewerPartitions(topic, counts.get(topic), target(topic), existing);
            }
        }
        for (String topic : topics) {
            int count = log.createTopicIfAbsent(target(topic), counts.get(topic));
            if (count < counts.get(topic)) {
                // another process created it meanwhile, with fewer partitions
                throw fewerPartitions(topic, counts.get(topic), target(topic), count);
            }
        }
    }

    private void checkUsage() {
        if (kliteTopic != null && topics.size() > 1) {
            throw new ParameterException(common.commandLine(), "--klite-topic goes with one --topic only ("
                    + topics.size() + " given): several topics each go to the Klite topic of their own name");
        }
        if (topics.stream().distinct().count() < topics.size()) {
            throw new ParameterException(common.commandLine(), "--topic names a topic twice: " + topics);
        }
    }

    private CliFailure fewerPartitions(String topic, int kafka, String target, int klite) {
        return new CliFailure("Cannot import Kafka topic '" + topic + "' (" + kafka + " partitions) into Klite topic '"
                + target + "': it has " + klite + " partition(s), and Kafka partition(s) " + (klite == kafka - 1
                ? String.valueOf(klite) : klite + ".." + (kafka - 1)) + " would have no counterpart; import into a new"
                + " topic with --klite-topic (created with " + kafka + " partitions); nothing was written");
    }


    private void print(List<Plan> plans, long nanos) {
        Table table = new Table("TOPIC", "PARTITION", "FROM-OFFSET", "TO-OFFSET", "MESSAGES", "SKIPPED",
                "KLITE-TOPIC", "KLITE-FIRST-OFFSET", "KLITE-LAST-OFFSET");
        List<Map<String, Object>> topicsJson = new ArrayList<>();
        long total = 0;
        for (Plan plan : plans) {
            List<Map<String, Object>> partitionsJson = new ArrayList<>();
            for (Part part : plan.parts()) {
                boolean any = part.next > part.from;
                Long from = any ? part.from : null;
                Long to = any ? part.next - 1 : null;
                Long firstKlite = part.copied > 0 ? part.firstKlite : null;
                Long lastKlite = part.copied > 0 ? part.lastKlite : null;
                table.row(plan.topic(), part.source.partition(), from, to, part.copied, part.skipped,
                        plan.kliteTopic(), firstKlite, lastKlite);
                partitionsJson.add(CommonOptions.object("partition", part.source.partition(), "fromOffset", from,
                        "toOffset", to, "messages", part.copied, "tombstonesSkipped", part.skipped,
                        "firstKliteOffset", firstKlite, "lastKliteOffset", lastKlite));
            }
            total += plan.copied();
            topicsJson.add(CommonOptions.object("topic", plan.topic(), "kliteTopic", plan.kliteTopic(),
                    "messages", plan.copied(), "partitions", partitionsJson));
        }
        Map<String, Object> json = CommonOptions.object("brokers", brokers, "group", group, "messages", total,
                "seconds", KafkaClients.seconds(nanos), "messagesPerSecond", KafkaClients.rate(total, nanos),
                "topics", topicsJson);
        String line = String.format(Locale.ROOT, "Imported %d message(s) from Kafka at %s in %.1f s (%d msg/s)%s.%n",
                total, brokers, nanos / 1e9, KafkaClients.rate(total, nanos), group == null || total == 0 ? ""
                        : ", Kafka group '" + group + "' committed past them");
        common.print(json, table.render() + line);
    }
}
