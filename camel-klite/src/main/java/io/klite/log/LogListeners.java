package io.klite.log;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LogListener}s of one log. Invariants: listeners are called in the order they were added; adding and
 * removing copy the array, so a call never takes a lock and with none added costs one volatile read; a listener's
 * failure is logged and goes no further.
 */
final class LogListeners {

    private static final Logger LOG = LoggerFactory.getLogger(LogListeners.class);
    private static final LogListener[] NONE = {};

    private volatile LogListener[] listeners = NONE;

    /** Adds a listener; closing the answer removes it. */
    synchronized Subscription add(LogListener listener) {
        LogListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = listener;
        listeners = more;
        return () -> remove(listener);
    }

    private synchronized void remove(LogListener listener) {
        listeners = Arrays.stream(listeners).filter(l -> l != listener).toArray(LogListener[]::new);
    }

    /** Whether any listener is there: a caller times its work only then. */
    boolean any() {
        return listeners.length > 0;
    }

    void produced(String topic, int partition, int count) {
        for (LogListener listener : listeners) {
            try {
                listener.produced(topic, partition, count);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    void retentionDeleted(String topic, long count) {
        for (LogListener listener : listeners) {
            try {
                listener.retentionDeleted(topic, count);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    void writeCommitted(long nanos) {
        for (LogListener listener : listeners) {
            try {
                listener.writeCommitted(nanos);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    private static void failed(LogListener listener, RuntimeException e) {
        LOG.warn("Log listener {} failed; the work it was told of is committed", listener, e);
    }
}
