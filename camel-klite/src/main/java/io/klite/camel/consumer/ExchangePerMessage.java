package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code batching=false}: one exchange per message, body the payload as {@code byte[]}, with the headers stored with it;
 * after the partition's run (also one cut short by a failure, a stop, or an error thrown from the route), one commit
 * of the last message that succeeded, unless a later one was dead-lettered, which committed past it already; where
 * a process stopped during a delivery (see {@link Delivery#isCareful}), one commit per message.
 */
public final class ExchangePerMessage extends Delivery {

    public ExchangePerMessage(DeliveryContext context, KliteLog log, KliteConfiguration configuration) {
        super(context, log, configuration);
    }

    @Override
    public int deliver(PartitionCursor cursor, List<Message> messages) {
        long lastSucceeded = -1;
        long lastCommitted = -1;
        int handled = 0;
        try {
            for (Message message : messages) {
                if (!mayDeliver(cursor)) {
                    break; // stopping, or the partition moves to another member: the rest is delivered again
                }
                if (handled == 0) {
                    // once a delivery is sure to start: a count left by a clean stop before it would be charged
                    countFetchAhead(cursor, messages);
                }
                Outcome outcome = deliver(cursor, message, handled, messages.size());
                if (!outcome.movesOn()) {
                    break;
                }
                if (outcome == Outcome.DEAD_LETTERED) {
                    lastCommitted = message.offset(); // committed with its dead-letter copy
                } else if (isCareful(cursor, message.offset())) {
                    processed(cursor, message.offset()); // its count goes with the commit, now
                    lastCommitted = message.offset();
                } else {
                    lastSucceeded = message.offset();
                }
                handled++;
            }
        } finally {
            if (lastSucceeded > lastCommitted) {
                processed(cursor, lastSucceeded);
            }
        }
        return handled;
    }

    private Outcome deliver(PartitionCursor cursor, Message message, int index, int size) {
        Exchange exchange = context.createExchange();
        try {
            exchange.getIn().setBody(message.payload());
            setCommonHeaders(exchange, cursor.partition(), message.offset());
            setTimestamp(exchange, message);
            if (message.key() != null) {
                exchange.getIn().setHeader(KliteConstants.KEY, message.key());
            }
            setStoredHeaders(exchange, message);
            exchange.setProperty(Exchange.BATCH_INDEX, index);
            exchange.setProperty(Exchange.BATCH_SIZE, size);
            exchange.setProperty(Exchange.BATCH_COMPLETE, index == size - 1);
            return process(exchange, cursor, List.of(message));
        } finally {
            context.releaseExchange(exchange);
        }
    }
}
