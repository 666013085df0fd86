package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.camel.KliteConsumer;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code batching=false}: one exchange per message, body the payload as {@code byte[]}; after the partition's run,
 * one commit of the last message that succeeded.
 */
final class ExchangePerMessage extends Delivery {

    ExchangePerMessage(KliteConsumer consumer, KliteLog log, KliteConfiguration configuration) {
        super(consumer, log, configuration);
    }

    @Override
    public int deliver(PartitionCursor cursor, List<Message> messages) {
        long lastSucceeded = -1;
        int succeeded = 0;
        for (Message message : messages) {
            if (!consumer.isBatchAllowed()) {
                break; // stopping: the rest is delivered again after the restart
            }
            Exchange exchange = consumer.createExchange(false);
            try {
                exchange.getIn().setBody(message.payload());
                setCommonHeaders(exchange, cursor.partition(), message.offset());
                setTimestamp(exchange, message);
                if (message.key() != null) {
                    exchange.getIn().setHeader(KliteConstants.KEY, message.key());
                }
                exchange.setProperty(Exchange.BATCH_INDEX, succeeded);
                exchange.setProperty(Exchange.BATCH_SIZE, messages.size());
                exchange.setProperty(Exchange.BATCH_COMPLETE, succeeded == messages.size() - 1);
                if (!process(exchange, cursor, "the message at offset " + message.offset())) {
                    break;
                }
            } finally {
                consumer.releaseExchange(exchange, false);
            }
            lastSucceeded = message.offset();
            succeeded++;
        }
        if (succeeded > 0) {
            processed(cursor, lastSucceeded);
        }
        return succeeded;
    }
}
