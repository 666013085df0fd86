package io.klite.runtime.api;

import static io.klite.runtime.api.ApiExchange.answer;

import io.klite.log.KliteLog;
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
 * A dead-letter topic's part of the API: {@code GET /topics/{topic}/dead-letters?all=&limit=} lists its dead letters
 * and {@code POST /topics/{topic}/dead-letters/redrive} copies them back to where each came from, as the admin CLI's
 * {@code dlq list} and {@code dlq redrive} do ({@link DeadLetterList}, {@link DeadLetterRedrive}), on the component's
 * shared log of the database file. Invariants: a listing writes nothing; a redrive copies each dead letter back once
 * and never skips one not redriven yet (409, writing nothing); a refused request has written nothing.
 */
final class DeadLettersApi {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLettersApi.class);

    /** The component's shared log of the database file, held by {@link TopicsApi} while the API runs. */
    private final Supplier<KliteLog> log;

    DeadLettersApi(Supplier<KliteLog> log) {
        this.log = log;
    }

    /** The dead letters not redriven yet ({@code all=true}: every one), oldest first per partition, at most limit. */
    void list(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            Map<String, String> query = QueryParameters.of(exchange, List.of("all", "limit"),
                    "a dead-letter listing takes all and limit");
            boolean all = all(query.get("all"));
            int limit = RecordsApi.limit(query.get("limit"));
            return new Answer(200, DeadLetterList.read(log.get(), topic, all, limit).json());
        });
    }

    /**
     * Redrives every partition's dead letters not redriven yet, or the body's range of one partition; 409 where the
     * partition's dead letters refuse it (one before the range not redriven yet, or one that was not dead-lettered).
     */
    void redrive(Exchange exchange) {
        answer(exchange, () -> {
            String topic = ProduceRequest.topic(exchange);
            RedriveRequest request = RedriveRequest.read(JsonBody.read(exchange, RedriveRequest.WHAT_TO_SEND));
            DeadLetterRedrive redrive;
            try {
                redrive = DeadLetterRedrive.run(log.get(), topic, request.partition(), request.fromOffset(),
                        request.toOffset());
            } catch (IllegalArgumentException e) {
                // the request is valid, the dead letters are not as it needs them (the log's redrive checks them)
                throw new ApiException(409, e.getMessage());
            }
            LOG.info("Dead letters of topic '{}' redriven: {}", topic, redrive.describe());
            return new Answer(200, redrive.json());
        });
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
