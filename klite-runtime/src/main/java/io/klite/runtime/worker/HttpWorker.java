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
import java.util.regex.Matcher;
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
 * @param maxAttempts    posts of one batch before it goes to {@code deadLetterTopic}; 0 for no limit (posted again
 *                       until it is accepted)
 * @param deadLetterTopic where a batch goes after {@code maxAttempts} failed posts: a valid topic name, not
 *                       {@code topic} in any case ({@code <topic>.dlq} where the worker does not name one)
 * @param deadLetterOn4xx whether a 4xx answer other than 408, 425 and 429 is a permanent failure, which sends the
 *                       batch to {@code deadLetterTopic} at once where {@code maxAttempts} is above 0
 * @param maxBatchBytes  the most payload bytes per POST (1 or more); a batch always holds at least one message
 */
public record HttpWorker(String topic, String group, int partition, int partitionCount, URI endpoint, int batchSize,
                         Duration interval, Duration maxInterval, int maxAttempts, String deadLetterTopic,
                         boolean deadLetterOn4xx, long maxBatchBytes) {

    /** The exchange property that holds the worker a route delivers for, on each of its exchanges. */
    static final String PROPERTY = "CamelKliteWorker";

    /** The parameters of the route template {@code klite-http-worker}, in the order they are documented. */
    static final List<String> PARAMETERS = List.of("topic", "group", "partition", "endpoint", "batchSize", "interval",
            "maxInterval", "maxAttempts", "deadLetterTopic", "deadLetterOn4xx", "maxBatchBytes", "partitionCount");

    /** Whether a worker dead-letters a batch answered with a 4xx other than 408, 425 and 429, where it does not say. */
    static final boolean DEFAULT_DEAD_LETTER_ON_4XX = true;
    /** {@code maxBatchBytes} where a worker does not say, as the worker file writes it: {@code 4MiB}. */
    static final String DEFAULT_MAX_BATCH_BYTES = text(Limits.DEFAULT_MAX_BATCH_BYTES);

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern BYTES = Pattern.compile("([0-9]{1,18})(KiB|MiB)?");
    private static final String BYTES_RULE = "use a whole number of bytes, or of KiB or MiB, such as 65536, 512KiB"
            + " or 4MiB";

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
        int maxAttempts = parameter(parameters, where, "maxAttempts", Settings::maxAttempts);
        String deadLetterTopic = parameter(parameters, where, "deadLetterTopic",
                text -> Settings.deadLetterTopic(topic, text, maxAttempts));
        boolean deadLetterOn4xx = parameter(parameters, where, "deadLetterOn4xx", Settings::deadLetterOn4xx);
        long maxBatchBytes = parameter(parameters, where, "maxBatchBytes", Settings::maxBatchBytes);
        return new HttpWorker(topic, group, partition, partitionCount, endpoint, batchSize, interval, maxInterval,
                maxAttempts, deadLetterTopic, deadLetterOn4xx, maxBatchBytes);
    }

    /** The same worker on a topic that gets {@code count} partitions where the worker creates it. */
    HttpWorker withPartitionCount(int count) {
        return new HttpWorker(topic, group, partition, count, endpoint, batchSize, interval, maxInterval, maxAttempts,
                deadLetterTopic, deadLetterOn4xx, maxBatchBytes);
    }

    /**
     * The route template's parameters for this worker, each as the route's {@code klite:} URI takes it: the
     * dead-letter topic by its name, {@code maxBatchBytes} in bytes.
     */
    Map<String, String> templateParameters() {
        return Map.ofEntries(Map.entry("topic", topic), Map.entry("group", group),
                Map.entry("partition", String.valueOf(partition)),
                Map.entry("partitionCount", String.valueOf(partitionCount)), Map.entry("endpoint", endpoint.toString()),
                Map.entry("batchSize", String.valueOf(batchSize)), Map.entry("interval", text(interval)),
                Map.entry("maxInterval", text(maxInterval)), Map.entry("maxAttempts", String.valueOf(maxAttempts)),
                Map.entry("deadLetterTopic", deadLetterTopic),
                Map.entry("deadLetterOn4xx", String.valueOf(deadLetterOn4xx)),
                Map.entry("maxBatchBytes", String.valueOf(maxBatchBytes)));
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

    /** A byte count as a worker file may write it: {@code 4MiB}, {@code 512KiB}, {@code 1000}. */
    static String text(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + "MiB" : bytes % (1 << 10) == 0 ? (bytes >> 10) + "KiB"
                : String.valueOf(bytes);
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

        /** Posts of one batch before it is dead-lettered: {@code 0} (no limit) or more. */
        public static int maxAttempts(String text) {
            if (text == null || !text.matches("-?[0-9]{1,18}")) {
                throw new IllegalArgumentException("'" + text + "' is not a number of attempts: a whole number is"
                        + " expected (0 for no limit)");
            }
            return Limits.maxAttempts("", Long.parseLong(text));
        }

        /**
         * Where a worker's exhausted batches go: {@code text}, or {@code <topic>.dlq} where it is null (not given);
         * checked where dead letters are on ({@code maxAttempts} above 0), as the consumer checks it.
         */
        public static String deadLetterTopic(String topic, String text, int maxAttempts) {
            if (maxAttempts == 0) {
                return text != null ? text : topic + Limits.DEAD_LETTER_SUFFIX;
            }
            if (text != null) {
                // written but empty is a mistake in a worker file, not the default
                TopicPartition.validateTopic(text);
            }
            return Limits.deadLetterTopic("", topic, text);
        }

        /** {@code true} or {@code false}, as written. */
        public static boolean deadLetterOn4xx(String text) {
            if (!"true".equals(text) && !"false".equals(text)) {
                throw new IllegalArgumentException("'" + text + "' is not a boolean; allowed: true or false");
            }
            return Boolean.parseBoolean(text);
        }

        /** Payload bytes per POST at most: a whole number of bytes, or of {@code KiB} or {@code MiB}; 1 or more. */
        public static long maxBatchBytes(String text) {
            Matcher matcher = BYTES.matcher(text == null ? "" : text);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a byte count: " + BYTES_RULE);
            }
            int shift = matcher.group(2) == null ? 0 : matcher.group(2).equals("KiB") ? 10 : 20;
            long number = Long.parseLong(matcher.group(1));
            if (number > Long.MAX_VALUE >> shift) {
                throw new IllegalArgumentException("'" + text + "' is not a byte count: it is too large; " + BYTES_RULE);
            }
            long bytes = number << shift;
            return Limits.maxBatchBytes(String.valueOf(bytes).equals(text) ? "" : "'" + text + "' is " + bytes
                    + " bytes: ", bytes);
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
