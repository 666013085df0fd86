package io.klite.runtime.kafka;

import io.klite.log.KliteLog;
import io.klite.log.TopicPartition;
import io.klite.runtime.worker.HttpWorker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One Klite topic mirrored into a Kafka topic for a Klite group: what a {@code klite-to-kafka} route's parameters
 * become. Invariant: every field has been checked; each goes into the route's URIs as {@link #templateParameters()}
 * writes it.
 *
 * @param brokers     the Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param kafkaTopic  a valid Kafka topic name ({@code topic} where the route does not name one)
 * @param interval    the wait before a failed batch is sent again the first time, and between polls while idle
 * @param maxInterval the longest wait between two attempts of a failing batch: the wait doubles up to it
 */
public record KafkaMirror(String topic, String group, String brokers, String kafkaTopic, Partitioning partitioning,
                          int batchSize, Duration interval, Duration maxInterval) {

    /** The parameters of the route template, in the order they are documented. */
    static final List<String> PARAMETERS = List.of("topic", "group", "brokers", "kafkaTopic", "partitioning",
            "batchSize", "interval", "maxInterval");

    /** {@code batchSize} where a route does not say: the number of messages per Kafka send. */
    static final int DEFAULT_BATCH_SIZE = 500;

    private static final Pattern BROKER = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]):([0-9]{1,5})");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /**
     * The mirror a route's parameters describe, each parameter checked once here.
     *
     * @param where says where a parameter came from: its name goes in, the start of the error message comes out
     * @throws MirrorConfigException naming the parameter, its value and what is allowed
     */
    static KafkaMirror fromTemplate(Map<String, Object> parameters, Function<String, String> where) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new MirrorConfigException(where.apply(name) + " is unknown; the parameters are "
                        + String.join(", ", PARAMETERS));
            }
        }
        String topic = parameter(parameters, where, "topic", TopicPartition::validateTopic);
        String group = parameter(parameters, where, "group", KafkaMirror::group);
        String brokers = parameter(parameters, where, "brokers", KafkaMirror::brokers);
        String kafkaTopic = parameter(parameters, where, "kafkaTopic",
                text -> text == null ? topic : kafkaTopic(text));
        Partitioning partitioning = parameter(parameters, where, "partitioning", Partitioning::of);
        int batchSize = parameter(parameters, where, "batchSize", HttpWorker.Settings::batchSize);
        Duration interval = parameter(parameters, where, "interval", HttpWorker.Settings::duration);
        Duration maxInterval = parameter(parameters, where, "maxInterval",
                text -> HttpWorker.Settings.maxInterval(interval, HttpWorker.Settings.duration(text)));
        return new KafkaMirror(topic, group, brokers, kafkaTopic, partitioning, batchSize, interval, maxInterval);
    }

    /** The route's parameters, each as its URIs take it. */
    Map<String, String> templateParameters() {
        return Map.of("topic", topic, "group", group, "brokers", brokers, "kafkaTopic", kafkaTopic,
                "partitioning", partitioning.text(), "batchSize", String.valueOf(batchSize),
                "interval", text(interval), "maxInterval", text(maxInterval));
    }

    /**
     * A mirror's Klite group: Kafka's characters for names, {@code [A-Za-z0-9._-]}, 1 to 249 of them, so that it goes
     * into the route's {@code klite:} URI as it is.
     */
    static String group(String text) {
        KliteLog.validateGroup(text);
        if (!GROUP.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a group name for a mirror; use 1 to 249"
                    + " characters of [A-Za-z0-9._-]");
        }
        return text;
    }

    /** Kafka bootstrap servers: {@code host:port}, comma-separated, ports 1 to 65535; go into a URI as they are. */
    static String brokers(String text) {
        String rule = "; use host:port, comma-separated, such as 127.0.0.1:9092 or kafka1:9092,kafka2:9092";
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a list of Kafka brokers" + rule);
        }
        for (String broker : text.split(",", -1)) {
            var matcher = BROKER.matcher(broker);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a list of Kafka brokers: '" + broker
                        + "' is not host:port" + rule);
            }
            int port = Integer.parseInt(matcher.group(2));
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("'" + text + "' is not a list of Kafka brokers: port " + port
                        + " of '" + broker + "' is not 1 to 65535" + rule);
            }
        }
        return text;
    }

    /** A Kafka topic name, by Kafka's rule. */
    static String kafkaTopic(String text) {
        if (!KAFKA_TOPIC.matcher(text).matches() || text.equals(".") || text.equals("..")) {
            throw new IllegalArgumentException("'" + text + "' is not a Kafka topic name: 1 to 249 characters of"
                    + " [A-Za-z0-9._-], not '.' or '..'");
        }
        return text;
    }

    private static <T> T parameter(Map<String, Object> parameters, Function<String, String> where, String name,
                                   Function<String, T> check) {
        Object value = parameters.get(name);
        try {
            return check.apply(value == null ? null : value.toString());
        } catch (RuntimeException e) {
            throw new MirrorConfigException(where.apply(name) + ": " + e.getMessage(), e);
        }
    }

    /** A duration as the klite: URI takes it: {@code 1m}, {@code 5s}, {@code 300ms}. */
    private static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 60_000 == 0 ? millis / 60_000 + "m" : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
