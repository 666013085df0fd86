package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicPartition;
import io.klite.runtime.admin.IsoTimes;
import io.klite.runtime.kafka.Partitioning;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The options' values, read and checked as the log and the HTTP API check them, before a command opens the file: a
 * value of the wrong form is bad usage (exit code 2), its message naming the value and what is allowed.
 */
final class Values {

    private Values() {
    }

    /** A topic name: Kafka's rule, 1 to 249 characters of {@code [A-Za-z0-9._-]}. */
    static final class Topic implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return TopicPartition.validateTopic(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Kafka's bootstrap servers: {@code host:port} entries separated by commas, each port 1 to 65535 (as Kafka's
     * clients read {@code bootstrap.servers}; an IPv6 address in brackets, such as {@code [::1]:9092}).
     */
    static final class Brokers implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String[] entries = value.split(",", -1);
            for (String entry : entries) {
                String address = entry.strip();
                int colon = address.lastIndexOf(':');
                String host = colon < 0 ? "" : address.substring(0, colon);
                String port = colon < 0 ? "" : address.substring(colon + 1);
                if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                    throw new TypeConversionException("'" + value + "' is not a list of Kafka brokers ("
                            + (address.isEmpty() ? "an empty entry" : "'" + address + "'") + "); allowed: host:port"
                            + " entries separated by commas, such as 127.0.0.1:9092,kafka2:9092");
                }
            }
            return value.strip();
        }
    }

    /** {@code same} or {@code key}: where a message goes among a Kafka topic's partitions. */
    static final class PartitioningValue implements ITypeConverter<Partitioning> {
        @Override
        public Partitioning convert(String value) {
            try {
                return Partitioning.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A consumer group name: any text that is not blank. */
    static final class Group implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return KliteLog.validateGroup(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A partition number, 0 to 999. */
    static final class Partition implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Limits.partition("", value);
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A topic's partition count, 1 to 1000. */
    static final class PartitionCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Limits.partitionCount("", Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a partition count; allowed: 1 to "
                        + Limits.MAX_PARTITIONS);
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code true} or {@code false}. */
    static final class Bool implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new TypeConversionException("'" + value + "' is not a boolean; allowed: true or false");
            }
            return Boolean.valueOf(value);
        }
    }

    /** A retention age ({@code 7d}, {@code 12h}), or {@code none} for no age limit. */
    static final class RetentionAge implements ITypeConverter<Limit<Duration>> {
        @Override
        public Limit<Duration> convert(String value) {
            if (value.equals("none")) {
                return new Limit<>(null);
            }
            try {
                return new Limit<>(Limits.retentionAge("", value));
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage() + "; or none for no age limit");
            }
        }
    }

    /** A count of messages to keep per partition, or {@code none} for no count limit. */
    static final class RetentionMessages implements ITypeConverter<Limit<Long>> {
        @Override
        public Limit<Long> convert(String value) {
            if (value.equals("none")) {
                return new Limit<>(null);
            }
            try {
                return new Limit<>(Limits.retentionMessages("", value));
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage() + "; or none for no count limit");
            }
        }
    }

    /** A retention limit given on the command line: {@code value} null for {@code none}. */
    record Limit<T>(T value) {
    }

    /** An ISO-8601 time with {@code Z} or an offset, as the HTTP API takes it. */
    static final class Time implements ITypeConverter<Instant> {
        private static final String EXAMPLES = "such as 2026-12-01T10:00:00Z or 2026-12-01T11:00:00+01:00";

        @Override
        public Instant convert(String value) {
            Optional<Instant> time = IsoTimes.parse(value);
            if (time.isPresent()) {
                return time.get();
            }
            if (IsoTimes.lacksZone(value)) {
                throw new TypeConversionException("'" + value + "' has no time zone; give Z (UTC) or an offset, "
                        + EXAMPLES);
            }
            throw new TypeConversionException("'" + value + "' is not an ISO-8601 time; give one with Z or an"
                    + " offset, " + EXAMPLES);
        }
    }
}
