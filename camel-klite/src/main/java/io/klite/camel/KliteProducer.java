package io.klite.camel;

import io.klite.log.BatchResult;
import io.klite.log.IdempotencyKey;
import io.klite.log.IdempotentSend;
import io.klite.log.KliteLog;
import java.io.File;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.WrappedFile;
import org.apache.camel.support.DefaultProducer;

/**
 * Writes an exchange's body to a topic: one message, or a {@code java.util.List} body as one batch in one transaction
 * (all of it or nothing). Where it goes is {@link PartitionChooser}'s: the URI's topic, or the
 * {@code CamelKliteOverrideTopic} header's; the partition from the {@code CamelKliteOverridePartition} header, the
 * {@code CamelKliteKey} header, the {@code partition} option, the {@code key} option, or round-robin. The two override
 * headers are removed once the message is written; the result headers ({@code CamelKliteTopic},
 * {@code CamelKlitePartition}, ...) that a consumer or an earlier producer set never steer it, so a route from
 * {@code klite:a} to {@code klite:b} writes to {@code b} by {@code b}'s own rules.
 *
 * <p>With the {@code CamelKliteIdempotencyKey} header the write is safe to retry: the file remembers the key with the
 * message, in one transaction, and a write with a key it remembers (within {@code idempotencyWindow}) writes nothing
 * and answers the first write's offsets where it is the same write ({@link SendFingerprint}), else is refused. The
 * key header is removed once the message is written, as the override headers are.
 *
 * <p>The exchange's headers that pass the endpoint's {@code headerFilterStrategy} are stored with the message, as text
 * (see {@link MessageHeaders}).
 *
 * <p>Bodies: {@code byte[]} as is, {@code String} as UTF-8, streams, readers, buffers and files as their bytes
 * (Camel's type converters), any other object as JSON (Jackson). Everything is checked before a topic is created: a
 * refused message leaves no trace.
 */
public class KliteProducer extends DefaultProducer {

    private final KliteConfiguration configuration;
    private KliteLog log;
    private PartitionChooser chooser;

    public KliteProducer(KliteEndpoint endpoint) {
        super(endpoint);
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public KliteEndpoint getEndpoint() {
        return (KliteEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        log = getEndpoint().getLog();
        if (!configuration.partitions().isEmpty()) {
            configuration.checkPartitionsFit(log.partitionCount(configuration.getTopic()), "producer");
        }
        chooser = new PartitionChooser(log, configuration);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        Object payload = payload(exchange, message.getBody());
        Map<String, String> headers = MessageHeaders.toStore(exchange, configuration.getHeaderFilterStrategy());
        String idempotencyKey = message.getHeader(KliteConstants.IDEMPOTENCY_KEY, String.class);
        PartitionChooser.Request asked = chooser.request(message);
        PartitionChooser.Destination to;
        long lastOffset;
        if (idempotencyKey != null) {
            IdempotencyKey once = new IdempotencyKey(idempotencyKey, SendFingerprint.of(asked, headers, payload),
                    Duration.ofMillis(configuration.getIdempotencyWindow()));
            // a retry is answered before anything is chosen or created: it goes where the first write went
            IdempotentSend sent = log.sentWith(once).orElseGet(() -> {
                PartitionChooser.Destination placed = chooser.place(asked);
                return payload instanceof List<?> payloads
                        ? log.sendBatch(once, placed.topic(), placed.partition(), placed.key(), headers, payloads)
                        : log.send(once, placed.topic(), placed.partition(), placed.key(), headers, payload);
            });
            if (payload instanceof List<?>) {
                message.setHeader(KliteConstants.FIRST_OFFSET, sent.batch().firstOffset());
            }
            message.setHeader(KliteConstants.IDEMPOTENT_REPLAYED, sent.replayed());
            to = new PartitionChooser.Destination(sent.topic(), sent.partition(), asked.key());
            lastOffset = sent.batch().lastOffset();
        } else if (payload instanceof List<?> payloads) {
            to = chooser.place(asked);
            BatchResult result = log.sendBatch(to.topic(), to.partition(), to.key(), headers, payloads);
            message.setHeader(KliteConstants.FIRST_OFFSET, result.firstOffset());
            lastOffset = result.lastOffset();
        } else {
            to = chooser.place(asked);
            lastOffset = log.send(to.topic(), to.partition(), to.key(), headers, payload);
        }
        message.removeHeader(KliteConstants.OVERRIDE_TOPIC);
        message.removeHeader(KliteConstants.OVERRIDE_PARTITION);
        // a key is one write's: a route writing on to another topic must not have its write taken for a retry
        message.removeHeader(KliteConstants.IDEMPOTENCY_KEY);
        message.setHeader(KliteConstants.TOPIC, to.topic());
        message.setHeader(KliteConstants.PARTITION, to.partition());
        message.setHeader(KliteConstants.OFFSET, lastOffset);
        if (to.key() != null) {
            message.setHeader(KliteConstants.KEY, to.key());
        }
    }

    /** What the log stores for a body: a payload, or a List of them for a List body. */
    private Object payload(Exchange exchange, Object body) throws Exception {
        if (!(body instanceof List<?> list)) {
            return payload(exchange, body, -1);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("Invalid batch [] for topic '" + configuration.getTopic()
                    + "': a batch holds at least one message");
        }
        List<Object> payloads = new ArrayList<>(list.size());
        for (Object element : list) {
            payloads.add(payload(exchange, element, payloads.size()));
        }
        return payloads;
    }

    /** What the log stores for one body, or for the element at {@code index} of a List body. */
    private Object payload(Exchange exchange, Object body, int index) throws Exception {
        if (body instanceof byte[] || body instanceof String) {
            return body;
        }
        if (body == null) {
            throw new IllegalArgumentException("Invalid body null" + (index < 0 ? "" : " at index " + index
                    + " of the List body") + " for topic '" + configuration.getTopic() + "': a message needs a payload");
        }
        if (body instanceof CharSequence text) {
            return text.toString();
        }
        if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache
                || body instanceof ByteBuffer || body instanceof WrappedFile || body instanceof File) {
            return exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        }
        return getEndpoint().getComponent().getObjectMapper().writeValueAsBytes(body);
    }
}
