package io.klite.camel.consumer;

import io.klite.camel.KliteBatch;
import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code batching=true}: one exchange per partition per poll, body a {@link KliteBatch}; committed as a whole when the
 * exchange succeeds, delivered again as a whole, with the same offsets, when it fails, and dead-lettered as a whole
 * after its last attempt.
 */
public final class ExchangePerBatch extends Delivery {

    public ExchangePerBatch(DeliveryContext context, KliteLog log, KliteConfiguration configuration) {
        super(context, log, configuration);
    }

    @Override
    public int deliver(PartitionCursor cursor, List<Message> messages) {
        if (!mayDeliver(cursor)) {
            return 0;
        }
        KliteBatch batch = new KliteBatch(topic, cursor.partition(), messages);
        countFetchAhead(cursor, messages);
        Exchange exchange = context.createExchange();
        try {
            exchange.getIn().setBody(batch);
            setCommonHeaders(exchange, cursor.partition(), batch.lastOffset());
            exchange.getIn().setHeader(KliteConstants.FIRST_OFFSET, batch.firstOffset());
            exchange.getIn().setHeader(KliteConstants.LAST_OFFSET, batch.lastOffset());
            setTimestamp(exchange, messages.get(messages.size() - 1));
            Outcome outcome = process(exchange, cursor, messages);
            if (outcome == Outcome.FAILED) {
                cursor.batchFailed(batch.lastOffset());
                return 0;
            }
            if (outcome == Outcome.DEAD_LETTERED) {
                return batch.size();
            }
        } finally {
            context.releaseExchange(exchange);
        }
        processed(cursor, batch.lastOffset());
        return batch.size();
    }
}
