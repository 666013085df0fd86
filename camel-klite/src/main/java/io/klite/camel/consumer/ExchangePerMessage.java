package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code batching=false}: one exchange per message, body the payload as {@code byte[]}, with the headers stored with it;
 * after the partition's run
 * (also one cut short by a failure, a stop, or an error thrown from the route), one commit of the last message that
 * succeeded.
 */
public final class ExchangePerMessage extends Delivery {

    public ExchangePerMessage(DeliveryContext context, KliteLog log, KliteConfiguration configuration) {
        super(context, log, configuration);
    }

    @Override
    public int deliver(PartitionCursor cursor, List<Message> messages) {
        long lastSucceeded = -1;
        int succeeded = 0;
        try {
            for (Message message : messages) {
                if (!context.deliveryAllowed()) {
                    break; // stopping: the rest is delivered again after the restart
                }
                if (!deliver(cursor, message, succeeded, messages.size())) {
                    break;
                }
                lastSucceeded = message.offset();
                succeeded++;
            }
        } finally {
            if (succeeded > 0) {
                processed(cursor, lastSucceeded);
            }
        }
        return succeeded;
    }

    private boolean deliver(PartitionCursor cursor, Message message, int index, int size) {
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
            return process(exchange, cursor, message.offset(), message.offset());
        } finally {
            context.releaseExchange(exchange);
        }
    }
}
