package io.klite.log;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who in this JVM wants to hear that messages were appended to a topic of a file: consumers that would otherwise
 * wait for their next poll. Shared by every {@link KliteLog} open on the same file, so a send through one wakes the
 * consumers of another. Other processes writing the file are not heard; their messages are found by polling.
 *
 * <p>Invariants: a listener hears, with its partition, every append committed after its registration and before its
 * removal; listeners run on the sender's thread after the commit, so they must be quick and must not block, and one
 * that throws neither fails the send nor stops the others.
 */
final class AppendSignals {

    private static final Logger LOG = LoggerFactory.getLogger(AppendSignals.class);

    /** By absolute, normalized file path; entries stay for the JVM's life (one small map per file ever opened). */
    private static final Map<Path, AppendSignals> BY_FILE = new ConcurrentHashMap<>();

    private final Map<String, CopyOnWriteArrayList<IntConsumer>> byTopic = new ConcurrentHashMap<>();

    private AppendSignals() {
    }

    static AppendSignals of(Path file) {
        return BY_FILE.computeIfAbsent(file, path -> new AppendSignals());
    }

    Subscription listen(String topic, IntConsumer listener) {
        CopyOnWriteArrayList<IntConsumer> listeners =
                byTopic.computeIfAbsent(topic, name -> new CopyOnWriteArrayList<>());
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells the topic's listeners that an append to the partition has committed. */
    void appended(String topic, int partition) {
        CopyOnWriteArrayList<IntConsumer> listeners = byTopic.get(topic);
        if (listeners == null) {
            return;
        }
        for (IntConsumer listener : listeners) {
            try {
                listener.accept(partition);
            } catch (RuntimeException e) {
                // the send has committed: a listener's failure is its own, and a consumer's next poll finds the data
                LOG.warn("A listener of appends to topic '{}' failed; the append itself is committed", topic, e);
            }
        }
    }
}
