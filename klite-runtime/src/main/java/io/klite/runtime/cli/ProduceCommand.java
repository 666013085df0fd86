package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.log.LogOptions;
import io.klite.log.TopicPartition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code produce}, as {@code kafka-console-producer}: each line of standard input (UTF-8, without its line break) is
 * one message, sent as it is read, so that lines typed by hand go at once. Where a message goes: {@code --partition};
 * else Kafka's partitioner on {@code --key}; else round-robin over the topic's partitions, from partition 0 on each
 * run (Kafka's starts at a random one). A topic that does not exist is created with 1 partition, as a send creates
 * it. Invariants: each line is its own short transaction, in input order; where one fails, the lines before it stay
 * written and the failure says how many; a run that sends nothing (no line on standard input, a partition out of
 * range) creates no file.
 */
@Command(name = "produce", description = "Sends each line of standard input as a message (UTF-8); creates the topic"
        + " (1 partition) and the database file where missing, once there is a line to send.")
final class ProduceCommand implements Callable<Integer> {

    @ParentCommand
    private KliteCli cli;

    @Mixin
    private CommonOptions common;

    @Mixin
    private TopicOption topic;

    @Option(names = "--key", paramLabel = "<key>", description = "The key of every message; picks the partition as"
            + " Kafka does.")
    private String key;

    @Option(names = "--partition", paramLabel = "<partition>", converter = Values.Partition.class,
            description = "The partition to write; default by key, else round-robin.")
    private Integer partition;

    /** By partition, the offsets written. */
    private final Map<Integer, List<Long>> written = new TreeMap<>();

    @Override
    public Integer call() throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
        String line = lines.readLine();
        DatabaseFile file = common.databaseFile();
        boolean newFile = !Files.exists(file.path());
        if (newFile && partition != null && partition >= LogOptions.DEFAULTS.defaultPartitionCount()) {
            // refused before the file is created: the topic would be new, with the default count
            throw new TopicPartition(topic.name, partition).outOfRange(false,
                    LogOptions.DEFAULTS.defaultPartitionCount());
        }
        if (line == null) {
            print(); // nothing to send: the file is neither created nor opened
            return 0;
        }
        try (KliteLog log = common.openOrCreate()) {
            int count = log.partitionCount(topic.name);
            if (partition != null && partition >= Math.max(count, 1)) {
                throw new TopicPartition(topic.name, partition).outOfRange(count > 0, Math.max(count, 1));
            }
            int partitions = Math.max(count, log.options().defaultPartitionCount());
            int sent = 0;
            for (; line != null; line = lines.readLine()) {
                int to = partition != null ? partition
                        : key != null ? KliteLog.partitionFor(key, partitions) : sent % partitions;
                try {
                    written.computeIfAbsent(to, p -> new ArrayList<>()).add(log.send(topic.name, to, key, line));
                } catch (RuntimeException e) {
                    throw new CliFailure("Cannot send line " + (sent + 1) + " to topic '" + topic.name + "' partition "
                            + to + ": " + e.getMessage() + "; " + (sent == 0 ? "nothing was written"
                            : "the " + sent + " line(s) before it were written: " + summary()));
                }
                sent++;
            }
            print();
        }
        return 0;
    }

    private String summary() {
        List<String> parts = new ArrayList<>();
        written.forEach((p, offsets) -> parts.add("partition " + p + " offsets " + offsets.get(0) + ".."
                + offsets.get(offsets.size() - 1)));
        return String.join(", ", parts);
    }

    private void print() {
        Table table = new Table("TOPIC", "PARTITION", "MESSAGES", "FIRST-OFFSET", "LAST-OFFSET");
        List<Map<String, Object>> partitions = new ArrayList<>();
        written.forEach((p, offsets) -> {
            long first = offsets.get(0);
            long last = offsets.get(offsets.size() - 1);
            table.row(topic.name, p, offsets.size(), first, last);
            partitions.add(CommonOptions.object("partition", p, "count", offsets.size(), "firstOffset", first,
                    "lastOffset", last));
        });
        int total = written.values().stream().mapToInt(List::size).sum();
        common.print(CommonOptions.object("topic", topic.name, "count", total, "partitions", partitions),
                table.isEmpty() ? "No line on standard input: nothing was sent.\n" : table.render());
    }
}
