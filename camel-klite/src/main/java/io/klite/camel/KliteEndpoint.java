package io.klite.camel;

import io.klite.log.KliteLog;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * Produce to and consume from topics of a Klite log: Kafka's topics, partitions, consumer groups and committed offsets
 * in one SQLite file, with no broker.
 *
 * <p>An endpoint holds its database file's shared log from its start to its stop; {@code klite:orders?group=billing}
 * consumes the topic {@code orders}, {@code klite:orders} writes to it.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "klite", title = "Klite", syntax = "klite:topic",
             category = { Category.MESSAGING }, headersClass = KliteConstants.class, remote = false)
public class KliteEndpoint extends ScheduledPollEndpoint {

    @UriParam
    private KliteConfiguration configuration;

    private KliteLog log;

    public KliteEndpoint(String uri, KliteComponent component, KliteConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public KliteComponent getComponent() {
        return (KliteComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() throws Exception {
        configuration.validateForProducer();
        return new KliteProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        configuration.validateForConsumer();
        KliteConsumer consumer = new KliteConsumer(this, processor);
        configureConsumer(consumer);
        consumer.checkFailureOptions();
        return consumer;
    }

    /** The log of this endpoint's database file, held from the endpoint's start to its stop. */
    public synchronized KliteLog getLog() {
        if (log == null) {
            throw new IllegalStateException("Endpoint " + getEndpointUri() + " is not started");
        }
        return log;
    }

    @Override
    protected synchronized void doStart() throws Exception {
        super.doStart();
        log = getComponent().acquireLog(configuration.getDatabase());
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (log != null) {
            getComponent().releaseLog(log);
            log = null;
        }
        super.doStop();
    }

    public KliteConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(KliteConfiguration configuration) {
        this.configuration = configuration;
    }
}
