package io.klite.runtime.api;

import io.klite.camel.KliteBatchSerializer;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Message;
import io.klite.runtime.admin.IsoTimes;
import io.klite.runtime.admin.MessageJson;
import io.klite.runtime.api.ApiExchange.Answer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * {@code GET /topics/{topic}/partitions/{partition}/messages?from=|fromTime=&limit=}: a partition's messages from an
 * offset or a time, without a consumer group. Invariants: a read writes no group's offsets; an answer holds at most
 * {@code limit} messages and {@link Limits#DEFAULT_MAX_BATCH_BYTES} of payload, but always at least one message where
 * there is one; {@code nextOffset} is where the next page starts, so that paging with it reads every message once.
 * {@code data} is written as the HTTP worker writes it ({@link KliteBatchSerializer#writeData}).
 */
final class RecordsApi {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final String TIME_EXAMPLES = "such as 2026-12-01T10:00:00Z or 2026-12-01T10:00:00+01:00";
    /** An offset after the time, as a {@code +} left unencoded in a URL arrives: read as a space. */
    private static final Pattern OFFSET_AS_SPACE = Pattern.compile(".*[0-9] [0-9]{2}:[0-9]{2}");

    private final Supplier<KliteLog> log;

    RecordsApi(Supplier<KliteLog> log) {
        this.log = log;
    }

    void read(Exchange exchange) {
        ApiExchange.answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            int partition = partition(exchange);
            Map<String, String> query = QueryParameters.of(exchange, List.of("from", "fromTime", "limit"),
                    "a read takes from or fromTime, and limit");
            String fromText = query.get("from");
            String fromTimeText = query.get("fromTime");
            if (fromText != null && fromTimeText != null) {
                throw new ApiException(400, "Give either from or fromTime, not both (from " + fromText
                        + ", fromTime " + fromTimeText + ")");
            }
            Long fromOffset = fromText == null ? null : offset(fromText);
            Instant fromTime = fromTimeText == null ? null : time(fromTimeText);
            int limit = limit(query.get("limit"));

            KliteLog file = log.get();
            int count = file.partitionCount(topic);
            if (count == 0) {
                throw new ApiException(404, "Topic '" + topic + "' does not exist");
            }
            if (partition >= count) {
                throw new ApiException(404, "Partition " + partition + " is out of range for topic '" + topic
                        + "': it has " + Limits.validRange(count));
            }
            long start = file.startOffset(topic, partition);
            long from = fromTime != null ? file.offsetForTime(topic, partition, fromTime)
                    : fromOffset != null ? Math.max(fromOffset, start) : start;
            List<Message> messages = file.read(topic, partition, from - 1, limit, Limits.DEFAULT_MAX_BATCH_BYTES);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", topic);
            json.put("partition", partition);
            json.put("messages", messages.stream().map(MessageJson::new).toList());
            json.put("nextOffset", messages.isEmpty() ? from : messages.get(messages.size() - 1).offset() + 1);
            return new Answer(200, json);
        });
    }

    /** The partition of the path, {@code /topics/{topic}/partitions/{partition}/messages}. */
    private static int partition(Exchange exchange) {
        String text = ApiExchange.pathSegment(exchange, 4);
        if (!text.matches("[0-9]{1,9}")) {
            throw new ApiException(400, "Invalid partition '" + text + "' in the path: a whole number from 0 is"
                    + " expected");
        }
        return Integer.parseInt(text);
    }

    /** The {@code from} query parameter: an offset, a whole number from 0. */
    static long offset(String text) {
        if (!text.matches("[0-9]{1,18}")) {
            throw new ApiException(400, "Invalid from '" + text + "': an offset, a whole number from 0, is expected"
                    + " (messages from the partition's start where below it)");
        }
        return Long.parseLong(text);
    }

    /** The {@code limit} query parameter: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} where not given. */
    static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        int limit = text.matches("[0-9]{1,9}") ? Integer.parseInt(text) : 0;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(400, "Invalid limit '" + text + "': a whole number from 1 to " + MAX_LIMIT
                    + " is expected (" + DEFAULT_LIMIT + " where not given)");
        }
        return limit;
    }

    /** An ISO-8601 time with {@code Z} or an offset; a {@code +} of the offset may have arrived as a space. */
    static Instant time(String text) {
        String value = OFFSET_AS_SPACE.matcher(text).matches()
                ? text.substring(0, text.length() - 6) + "+" + text.substring(text.length() - 5) : text;
        Optional<Instant> time = IsoTimes.parse(value);
        if (time.isPresent()) {
            return time.get();
        }
        if (IsoTimes.lacksZone(value)) {
            throw new ApiException(400, "Invalid fromTime '" + text + "': it has no time zone; give Z (UTC) or an"
                    + " offset, " + TIME_EXAMPLES + " (write the + of an offset as %2B in a URL)");
        }
        throw new ApiException(400, "Invalid fromTime '" + text + "': not an ISO-8601 time; give one with Z"
                + " or an offset, " + TIME_EXAMPLES + " (write the + of an offset as %2B in a URL)");
    }
}
