package io.klite.runtime;

import io.klite.camel.KliteComponent;
import io.klite.camel.consumer.DeliveryFailure;
import io.klite.log.InvalidTopicException;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import io.klite.log.UnknownTopicException;
import io.klite.runtime.worker.KliteSettings;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.StartupListener;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListener;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the retention the {@code klite.topics.<topic>.retention.*} settings give into the database file, with
 * {@link KliteLog#configureTopic}, once the routes have started (workers create their topics while the routes are
 * configured). Invariants: each topic named gets exactly its settings, replacing what the file had (what is not set
 * is none, or false), once per start; a topic not named keeps what the file has; the settings never create a topic:
 * a topic named that does not exist yet gets its settings as soon as a check, once a second, finds it, and the checks
 * end when no topic waits. The service holds the {@code klite:} component's shared log of its database while it
 * runs, so the file's retention cleaner runs too.
 */
final class TopicSettings extends ServiceSupport implements CamelContextAware, StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSettings.class);
    private static final long CHECK_SECONDS = 1;

    private final Map<String, TopicConfig> settings;
    /** The topics whose settings wait for them, read and changed by the checks only once they run. */
    private final Map<String, TopicConfig> waiting = new TreeMap<>();

    private CamelContext camelContext;
    private KliteComponent component;
    private KliteLog log;
    private ScheduledExecutorService checks;

    private TopicSettings(Map<String, TopicConfig> settings) {
        this.settings = settings;
    }

    /**
     * Adds the service to Camel Main's context after the routes are configured (Klite's settings are checked then),
     * where the settings name any topic.
     */
    static MainListener registration() {
        return new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                CamelContext context = main.getCamelContext();
                Map<String, TopicConfig> topics = KliteSettings.topics(context);
                if (topics.isEmpty()) {
                    return;
                }
                TopicSettings service = new TopicSettings(topics);
                try {
                    context.addService(service);
                    context.addStartupListener(service);
                } catch (Exception e) {
                    throw RuntimeCamelException.wrapRuntimeException(e);
                }
            }
        };
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() {
        component = camelContext.getComponent("klite", KliteComponent.class);
        log = component.acquireLog(component.getConfiguration().getDatabase());
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes have not started yet
    }

    /**
     * Writes each existing topic's settings; the others wait for their topic.
     *
     * @throws IllegalStateException naming the topic's settings, where they cannot be written (start-up stops)
     */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        settings.forEach((topic, config) -> {
            try {
                if (written(topic, config)) {
                    LOG.info("Retention of topic '{}' set from {}: {}", topic, keys(topic), describe(config));
                } else {
                    waiting.put(topic, config);
                    LOG.info("Topic '{}' does not exist yet: its retention from {} ({}) is set once the topic is"
                             + " created", topic, keys(topic), describe(config));
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("Cannot set the retention of topic '" + topic + "' from "
                        + keys(topic) + ": " + e.getMessage(), e);
            }
        });
        if (!waiting.isEmpty()) {
            checks = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "KliteTopicSettings");
            checks.scheduleWithFixedDelay(this::checkWaiting, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A check: writes the settings of each waiting topic that exists now, and ends the checks when none waits. */
    private void checkWaiting() {
        Iterator<Map.Entry<String, TopicConfig>> topics = waiting.entrySet().iterator();
        while (topics.hasNext()) {
            Map.Entry<String, TopicConfig> topic = topics.next();
            try {
                if (written(topic.getKey(), topic.getValue())) {
                    topics.remove();
                    LOG.info("Topic '{}' exists now: retention set from {}: {}", topic.getKey(), keys(topic.getKey()),
                            describe(topic.getValue()));
                }
            } catch (InvalidTopicException e) {
                // another topic of the same name in another case was created: this one never will be
                topics.remove();
                LOG.warn("Retention from {} is not set: {}", keys(topic.getKey()), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("Cannot set the retention of topic '{}' from {} now; trying again in {} s; reason: {}",
                        topic.getKey(), keys(topic.getKey()), CHECK_SECONDS, DeliveryFailure.reason(e));
                LOG.debug("Topic settings failure in detail", e);
            }
        }
        if (waiting.isEmpty()) {
            camelContext.getExecutorServiceManager().shutdown(checks);
        }
    }

    /** Writes the topic's settings where the topic exists: whether it does. */
    private boolean written(String topic, TopicConfig config) {
        if (log.partitionCount(topic) == 0) {
            return false;
        }
        try {
            log.configureTopic(topic, config);
            return true;
        } catch (UnknownTopicException deletedMeanwhile) {
            return false;
        }
    }

    @Override
    protected void doStop() {
        if (checks != null) {
            // a check that runs ends before the log goes
            camelContext.getExecutorServiceManager().shutdownGraceful(checks);
            checks = null;
        }
        if (log != null) {
            component.releaseLog(log);
            log = null;
        }
    }

    private static String keys(String topic) {
        return KliteSettings.TOPICS + topic + ".retention.*";
    }

    /** The settings for a log line: {@code age 7d, messages none, keepUnconsumed false}. */
    static String describe(TopicConfig config) {
        return "age " + (config.retentionAge() == null ? "none" : Limits.formatRetentionAge(config.retentionAge()))
                + ", messages " + (config.retentionMessages() == null ? "none" : config.retentionMessages())
                + ", keepUnconsumed " + config.keepUnconsumed();
    }
}
