package io.klite.runtime.api;

import static io.klite.runtime.api.ApiExchange.answer;

import io.klite.log.InvalidDeadLetterException;
import io.klite.log.KliteException;
import io.klite.log.KliteLog;
import io.klite.log.KliteStorageException;
import io.klite.log.RedriveFailedException;
import io.klite.runtime.admin.DeadLetterList;
import io.klite.runtime.admin.DeadLetterRedrive;
import io.klite.runtime.api.ApiExchange.Answer;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dead-letter topic's part of the API: {@code GET /topics/{topic}/dead-letters?all=&limit=&partition=&from=} lists
 * its dead letters and {@code POST /topics/{topic}/dead-letters/redrive} copies them back to where each came from, as
 * the admin CLI's {@code dlq list} and {@code dlq redrive} do ({@link DeadLetterList}, {@link DeadLetterRedrive}), on
 * the component's shared log of the database file. Invariants: a listing writes nothing; a redrive copies each dead
 * letter back once and never skips one not redriven yet; a refused request (400, 404, 409) has written nothing, as the
 * log's redrive checks every dead letter before it writes.
 */
final class DeadLettersApi {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLettersApi.class);

    /** The component's shared log of the database file, held by {@link TopicsApi} while the API runs. */
    private final Supplier<KliteLog> log;

    DeadLettersApi(Supplier<KliteLog> log) {
        this.log = log;
    }

    /**
     * The dead letters not redriven yet ({@code all=true}: every one), oldest first per partition, at most limit and
     * {@link DeadLetterList#MAX_BYTES} of payload in all; of one partition from an offset with {@code partition} and
     * {@code from}.
     */
    void list(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            Map<String, String> query = QueryParameters.of(exchange, List.of("all", "limit", "partition", "from"),
                    "a dead-letter listing takes all, limit, partition and from");
            boolean all = all(query.get("all"));
            int limit = RecordsApi.limit(query.get("limit"));
            Integer partition = partition(query.get("partition"));
            Long from = query.get("from") == null ? null : RecordsApi.offset(query.get("from"));
            if (from != null && partition == null) {
                throw new ApiException(400, "from needs partition: offsets are a partition's; give both, such as"
                        + " ?partition=0&from=" + from + " (a partition's nextOffset in the answer is where its next"
                        + " page starts)");
            }
            return new Answer(200, DeadLetterList.read(log.get(), topic, partition, from, all, limit).json());
        });
    }

    /**
     * Redrives every partition's dead letters not redriven yet, or the body's range of one partition. 409 where the
     * dead letters refuse it: one before the range not redriven yet, or one whose headers do not say where it can go
     * back to; every one is checked before anything is written, so nothing was. A write that fails after the check
     * answers what was redriven before it in its error.
     */
    void redrive(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            QueryParameters.of(exchange, List.of(), "a redrive takes no query parameters: the partition and the"
                    + " range go in the body, such as " + RedriveRequest.EXAMPLE + ", or {} for every partition");
            RedriveRequest request = RedriveRequest.read(JsonBody.read(exchange, RedriveRequest.WHAT_TO_SEND));
            DeadLetterRedrive redrive;
            try {
                redrive = DeadLetterRedrive.run(log.get(), topic, request.partition(), request.fromOffset(),
                        request.toOffset());
            } catch (IllegalArgumentException | InvalidDeadLetterException e) {
                // the request is valid, the dead letters are not as it needs them (the log's redrive checks them)
                throw new ApiException(409, e.getMessage());
            } catch (RedriveFailedException e) {
                LOG.warn("Redrive of topic '{}' failed part way: {}", topic, e.getMessage());
                throw new ApiException(status(e), e.getMessage());
            }
            LOG.info("Dead letters of topic '{}' redriven: {}", topic, redrive.describe());
            return new Answer(200, redrive.json());
        });
    }

    /**
     * The status of a redrive that failed after its check: 503 where the database could not be used, 409 where the
     * file changed meanwhile (an original topic created or deleted by another program), else 500.
     */
    private static int status(RedriveFailedException e) {
        if (e.getCause() instanceof KliteStorageException) {
            return 503;
        }
        return e.getCause() instanceof KliteException ? 409 : 500;
    }

    /** The {@code partition} query parameter: a whole number from 0, or null for every partition. */
    private static Integer partition(String text) {
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-9]{1,9}")) {
            throw new ApiException(400, "Invalid partition '" + text + "': a whole number from 0 is expected, or"
                    + " leave it out to list every partition");
        }
        return Integer.parseInt(text);
    }

    private static boolean all(String text) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw new ApiException(400, "Invalid all '" + text + "': true or false is expected (false where not given:"
                + " only the dead letters not redriven yet)");
    }
}
