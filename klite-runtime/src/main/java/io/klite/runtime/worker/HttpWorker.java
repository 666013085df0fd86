package io.klite.runtime.worker;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicPartition;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One partition of a topic delivered to an HTTP endpoint for a consumer group: the unit a worker file entry or a
 * {@code klite-http-worker} route becomes. Invariant: every field has been checked; an instance runs as it is.
 *
 * @param partitionCount the partitions the topic is created with where it does not exist yet (more than
 *                       {@code partition})
 * @param interval       the wait before a failed batch is posted again the first time, and between polls of an
 *                       idle partition
 * @param maxInterval    the longest wait between two posts of a failing batch: the wait doubles from
 *                       {@code interval} up to it (at least {@code interval})
 */
public record HttpWorker(String topic, String group, int partition, int partitionCount, URI endpoint, int batchSize,
                         Duration interval, Duration maxInterval) {

    /** The exchange property that holds the worker a route delivers for, on each of its exchanges. */
    static final String PROPERTY = "CamelKliteWorker";

    /** The parameters of the route template {@code klite-http-worker}, in the order they are documented. */
    static final List<String> PARAMETERS = List.of("topic", "group", "partition", "endpoint", "batchSize", "interval",
            "maxInterval", "partitionCount");

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /**
     * The worker a {@code klite-http-worker} route's parameters describe, each parameter checked once here.
     *
     * @param where says where a parameter came from: its name goes in, the start of the error message comes out
     * @throws WorkerConfigException naming the parameter, its value and what is allowed
     */
    static HttpWorker fromTemplate(Map<String, Object> parameters, Function<String, String> where) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new WorkerConfigException(where.apply(name) + " is unknown; the parameters are "
                        + String.join(", ", PARAMETERS));
            }
        }
        String topic = parameter(parameters, where, "topic", Settings::topic);
        String group = parameter(parameters, where, "group", Settings::group);
        int partition = parameter(parameters, where, "partition", Settings::partition);
        int partitionCount = parameter(parameters, where, "partitionCount", Settings::partitionCount);
        int batchSize = parameter(parameters, where, "batchSize", Settings::batchSize);
        Duration interval = parameter(parameters, where, "interval", Settings::duration);
        Duration maxInterval = parameter(parameters, where, "maxInterval",
                text -> Settings.maxInterval(interval, Settings.duration(text)));
        URI endpoint = parameter(parameters, where, "endpoint", Settings::endpoint);
        return new HttpWorker(topic, group, partition, partitionCount, endpoint, batchSize, interval, maxInterval);
    }

    /** The route template's parameters for this worker. */
    Map<String, String> templateParameters() {
        return Map.of("topic", topic, "group", group, "partition", String.valueOf(partition),
                "partitionCount", String.valueOf(partitionCount), "endpoint", endpoint.toString(),
                "batchSize", String.valueOf(batchSize), "interval", text(interval), "maxInterval", text(maxInterval));
    }

    private static <T> T parameter(Map<String, Object> parameters, Function<String, String> where, String name,
                                   Function<String, T> check) {
        Object value = parameters.get(name);
        try {
            return check.apply(value == null ? null : value.toString());
        } catch (RuntimeException e) {
            throw new WorkerConfigException(where.apply(name) + ": " + e.getMessage(), e);
        }
    }

    /** A duration as a worker file writes it: {@code 1m}, {@code 5s}, {@code 300ms}. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 60_000 == 0 ? millis / 60_000 + "m" : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * The route id Klite gives the worker: {@code worker:<topic>:<group>:<partition>}, one per worker since neither
     * a topic nor a group name holds a {@code :}.
     */
    public String routeId() {
        return routeId(topic, group, partition);
    }

    /** The route id of the worker for a topic, group and partition: {@code worker:<topic>:<group>:<partition>}. */
    static String routeId(Object topic, Object group, Object partition) {
        return "worker:" + topic + ":" + group + ":" + partition;
    }

    /** {@code scheme://host[:port]} of a URL: what the HTTP client connects to. */
    public static String origin(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** A URL as it may be logged: without user info and query, which can hold secrets. */
    public static String withoutQuery(URI url) {
        return origin(url) + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /**
     * The checks every worker setting gets, each throwing an {@link IllegalArgumentException} whose message names
     * the value and what is allowed; the caller adds where the value came from.
     */
    public static final class Settings {

        private Settings() {
        }

        public static String topic(String topic) {
            return TopicPartition.validateTopic(topic);
        }

        /**
         * A worker's group: Kafka's characters for names, {@code [A-Za-z0-9._-]}, 1 to 249 of them, so that the name
         * goes into the route's {@code klite:} URI and its route id as it is.
         */
        public static String group(String group) {
            KliteLog.validateGroup(group);
            if (!GROUP.matcher(group).matches()) {
                throw new IllegalArgumentException("'" + group + "' is not a worker group name; use 1 to 249"
                        + " characters of [A-Za-z0-9._-]");
            }
            return group;
        }

        public static int partition(String text) {
            return Limits.partition("", integer(text, "a partition number"));
        }

        /** Partitions for a topic the worker creates. */
        public static int partitionCount(String text) {
            return Limits.partitionCount("", integer(text, "a partition count"));
        }

        public static int batchSize(String text) {
            return Limits.batchSize("", integer(text, "a batch size"));
        }

        /** A duration as the original klite writes it: a whole number with {@code ms}, {@code s} or {@code m}. */
        public static Duration duration(String text) {
            return Limits.duration("", text);
        }

        /** The longest wait between two posts of a failing batch: not below the first wait, {@code interval}. */
        public static Duration maxInterval(Duration interval, Duration maxInterval) {
            if (maxInterval.compareTo(interval) < 0) {
                throw new IllegalArgumentException("'" + text(maxInterval) + "' is below interval " + text(interval)
                        + "; the wait doubles from interval up to maxInterval, so give " + text(interval)
                        + " or more (equal to interval for a fixed wait)");
            }
            return maxInterval;
        }

        /** An absolute {@code http} or {@code https} URL with a host, and no user info (which the client refuses). */
        public static URI endpoint(String text) {
            String rule = "; use an http:// or https:// URL with a host, such as http://127.0.0.1:9000/hook";
            URI uri;
            try {
                uri = new URI(text == null ? "" : text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + text + "' is not a URL (" + e.getReason() + ")" + rule);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("'" + text + "' is not an http(s) URL" + rule);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has no valid host (a host name is letters, digits,"
                        + " '-' and '.')" + rule);
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("'" + text + "' has a fragment (#" + uri.getRawFragment()
                        + "), which is never sent to a server; give the endpoint without it");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("'" + withoutQuery(uri) + "' carries user info (user:password@),"
                        + " which the HTTP client refuses to send; give the endpoint without it");
            }
            if (uri.getPort() > 65_535) {
                throw new IllegalArgumentException("'" + text + "' has port " + uri.getPort() + "; ports go up to 65535");
            }
            return uri;
        }

        /**
         * Checks a worker's partition against the database as it is: an existing topic must have the partition (Klite
         * adds no partitions to an existing topic). The log refuses a topic that differs from an existing one in case
         * only.
         */
        public static void fitsDatabase(KliteLog log, String topic, int partition) {
            int count = log.partitionCount(topic);
            if (count > 0 && partition >= count) {
                throw new IllegalArgumentException("partition " + partition + " is beyond the existing topic '" + topic
                        + "', which has " + Limits.validRange(count) + "; Klite adds no partitions to an"
                        + " existing topic");
            }
        }

        /** Digits only: what is checked here goes into a route's URI exactly as written. */
        private static int integer(String text, String what) {
            if (text == null || !text.matches("[0-9]{1,9}")) {
                throw new IllegalArgumentException("'" + text + "' is not " + what + ": a whole number is expected");
            }
            return Integer.parseInt(text);
        }
    }
}
