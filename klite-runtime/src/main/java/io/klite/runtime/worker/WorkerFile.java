package io.klite.runtime.worker;

import io.klite.log.Limits;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.klite.log.KliteException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The original klite's worker file, in YAML or JSON:
 *
 * <pre>
 * topics:
 *   orders:
 *     consumerGroups:
 *       billing: { partitions: [0, 1], endpoint: "http://127.0.0.1:9000/hook", batchSize: 50, interval: 5s }
 * </pre>
 *
 * Invariant: a file either reads whole into
 * workers that can run, or is refused with a message naming the file, the key and the value; unknown keys are
 * refused, so a typo never passes as a default.
 */
public final class WorkerFile {

    private static final Set<String> WORKER_KEYS = Set.of("partitions", "endpoint", "batchSize", "interval",
            "maxInterval", "maxAttempts", "deadLetterTopic", "deadLetterOn4xx", "maxBatchBytes");

    private final String file;

    private WorkerFile(String file) {
        this.file = file;
    }

    /** Reads a worker file: JSON where its name ends in {@code .json}, else YAML (JSON is valid YAML too). */
    public static List<HttpWorker> read(Path path) {
        String file = path.toString();
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new WorkerConfigException(file + ": cannot read the worker file: " + e, e);
        }
        boolean json = file.toLowerCase().endsWith(".json");
        ObjectMapper mapper = (json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory()))
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new WorkerConfigException(file + ": not valid " + (json ? "JSON" : "YAML")
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new WorkerConfigException(file + ": cannot read the worker file: " + e, e);
        }
        return new WorkerFile(file).workers(root);
    }

    private List<HttpWorker> workers(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new WorkerConfigException(file + ": the file is empty; it needs 'topics:' with at least one topic");
        }
        JsonNode topics = object(root, "", Set.of("topics")).get("topics");
        Iterator<Map.Entry<String, JsonNode>> topicEntries = object(topics, "topics", null).fields();
        if (!topicEntries.hasNext()) {
            throw fail("topics", topics, "no topic is listed; give at least one");
        }
        List<HttpWorker> workers = new ArrayList<>();
        Map<String, String> byLowerCase = new HashMap<>();
        while (topicEntries.hasNext()) {
            Map.Entry<String, JsonNode> topicEntry = topicEntries.next();
            String topicKey = "topics." + topicEntry.getKey();
            String sameButCase = byLowerCase.put(topicEntry.getKey().toLowerCase(Locale.ROOT), topicEntry.getKey());
            if (sameButCase != null) {
                throw new WorkerConfigException(file + ": " + topicKey + " and topics." + sameButCase + " differ in case"
                        + " only, and SQLite's table names ignore case; give them distinct names");
            }
            String topic = check(topicKey, topicEntry.getKey(), HttpWorker.Settings::topic);
            JsonNode groups = object(topicEntry.getValue(), topicKey, Set.of("consumerGroups")).get("consumerGroups");
            String groupsKey = topicKey + ".consumerGroups";
            Iterator<Map.Entry<String, JsonNode>> groupEntries = object(groups, groupsKey, null).fields();
            if (!groupEntries.hasNext()) {
                throw fail(groupsKey, groups, "no consumer group is listed; give at least one");
            }
            List<HttpWorker> topicWorkers = new ArrayList<>();
            while (groupEntries.hasNext()) {
                Map.Entry<String, JsonNode> groupEntry = groupEntries.next();
                topicWorkers.addAll(group(topic, groupsKey + "." + groupEntry.getKey(), groupEntry));
            }
            // a topic the workers create gets enough partitions for every group's list
            int partitionCount = topicWorkers.stream().mapToInt(HttpWorker::partition).max().orElse(0) + 1;
            topicWorkers.forEach(w -> workers.add(w.withPartitionCount(partitionCount)));
        }
        return workers;
    }

    private List<HttpWorker> group(String topic, String key, Map.Entry<String, JsonNode> entry) {
        String group = check(key, entry.getKey(), HttpWorker.Settings::group);
        JsonNode settings = object(entry.getValue(), key, WORKER_KEYS);
        URI endpoint = check(key + ".endpoint", text(settings, key, "endpoint", null), HttpWorker.Settings::endpoint);
        String batchSizeText = optionalText(settings, key, "batchSize");
        int batchSize = batchSizeText == null ? Limits.DEFAULT_BATCH_SIZE
                : check(key + ".batchSize", batchSizeText, HttpWorker.Settings::batchSize);
        Duration interval = check(key + ".interval", text(settings, key, "interval", Limits.DEFAULT_INTERVAL),
                HttpWorker.Settings::duration);
        Duration maxInterval = check(key + ".maxInterval",
                text(settings, key, "maxInterval", Limits.DEFAULT_MAX_INTERVAL),
                text -> HttpWorker.Settings.maxInterval(interval, HttpWorker.Settings.duration(text)));
        int maxAttempts = check(key + ".maxAttempts", text(settings, key, "maxAttempts", "0"),
                HttpWorker.Settings::maxAttempts);
        String deadLetterTopic = check(key + ".deadLetterTopic", optionalText(settings, key, "deadLetterTopic"),
                text -> HttpWorker.Settings.deadLetterTopic(topic, text, maxAttempts));
        boolean deadLetterOn4xx = check(key + ".deadLetterOn4xx", text(settings, key, "deadLetterOn4xx",
                String.valueOf(HttpWorker.DEFAULT_DEAD_LETTER_ON_4XX)), HttpWorker.Settings::deadLetterOn4xx);
        long maxBatchBytes = check(key + ".maxBatchBytes", text(settings, key, "maxBatchBytes",
                HttpWorker.DEFAULT_MAX_BATCH_BYTES), HttpWorker.Settings::maxBatchBytes);
        List<HttpWorker> workers = new ArrayList<>();
        for (int partition : partitions(settings.get("partitions"), key + ".partitions")) {
            workers.add(new HttpWorker(topic, group, partition, partition + 1, endpoint, batchSize, interval,
                    maxInterval, maxAttempts, deadLetterTopic, deadLetterOn4xx, maxBatchBytes));
        }
        return workers;
    }

    private Set<Integer> partitions(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            throw new WorkerConfigException(file + ": " + key + " is missing; list the partitions this group"
                    + " consumes, such as [0, 1]");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw fail(key, node, "is not a list of partition numbers; use a list such as [0, 1]");
        }
        Set<Integer> partitions = new TreeSet<>();
        for (JsonNode element : node) {
            String text = element.isValueNode() ? element.asText() : element.toString();
            if (!element.isIntegralNumber()) {
                throw new WorkerConfigException(file + ": " + key + ": '" + text + "' is not a partition number;"
                        + " use whole numbers, such as [0, 1]");
            }
            if (!partitions.add(check(key, text, HttpWorker.Settings::partition))) {
                throw new WorkerConfigException(file + ": " + key + ": partition " + text + " is listed twice");
            }
        }
        return partitions;
    }

    /** The node as an object whose keys are all in {@code allowed} (any key where null). */
    private JsonNode object(JsonNode node, String key, Set<String> allowed) {
        String where = key.isEmpty() ? "the top level" : key;
        if (node == null || !node.isObject()) {
            throw new WorkerConfigException(file + ": " + where + " must be a mapping"
                    + (allowed == null ? "" : " of " + String.join(", ", new TreeSet<>(allowed)))
                    + ", not " + describe(node));
        }
        if (allowed != null) {
            node.fieldNames().forEachRemaining(name -> {
                if (!allowed.contains(name)) {
                    throw new WorkerConfigException(file + ": " + (key.isEmpty() ? "" : key + ".") + name
                            + " is not a known key (value " + describe(node.get(name)) + "); allowed here: "
                            + String.join(", ", new TreeSet<>(allowed)));
                }
            });
        }
        return node;
    }

    private String text(JsonNode settings, String key, String name, String defaultValue) {
        String text = optionalText(settings, key, name);
        if (text == null && defaultValue == null) {
            throw new WorkerConfigException(file + ": " + key + "." + name + " is missing; it is required");
        }
        return text == null ? defaultValue : text;
    }

    /** The setting's value as written, or {@code null} where the file does not give it. */
    private String optionalText(JsonNode settings, String key, String name) {
        JsonNode value = settings.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw fail(key + "." + name, value, "must be a single value");
        }
        return value.asText();
    }

    private <T> T check(String key, String value, Function<String, T> check) {
        try {
            return check.apply(value);
        } catch (IllegalArgumentException | KliteException e) {
            throw new WorkerConfigException(file + ": " + key + ": " + e.getMessage(), e);
        }
    }

    private WorkerConfigException fail(String key, JsonNode value, String problem) {
        return new WorkerConfigException(file + ": " + key + " " + problem + " (found " + describe(value) + ")");
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.isValueNode() ? "'" + node.asText() + "'" : node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
