package io.klite.camel;

import io.klite.camel.consumer.DeliveryFailure;
import io.klite.camel.metrics.MeteredLog;
import io.klite.log.KliteLog;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of one open log, on one of Camel's scheduled threads ("KliteChores") per log: the retention
 * cleaner every {@code retentionCheckInterval} (none where it is 0), deleting what the topics' settings no longer keep,
 * and, where the log is metered, the refresh of its lag gauges ({@link MeteredLog#refresh()}) at once and every
 * {@code lagRefreshInterval}. Invariants: the two never run at the same time (a long retention run delays a refresh;
 * the gauges' values are read at scrape time whatever it does); a failed run is one WARN line and the next run tries
 * again; no thread is made where there is nothing to run; {@link #stop()} returns once the run in progress ended
 * (retention ends after the chunk it is in) or after {@value #STOP_TIMEOUT_SECONDS} s.
 */
final class LogChores {

    private static final Logger LOG = LoggerFactory.getLogger(LogChores.class);
    /** How long stopping waits for a run to end, seconds. */
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final KliteLog log;
    private final ExecutorServiceManager executors;
    private final ScheduledExecutorService thread;

    private LogChores(KliteLog log, ExecutorServiceManager executors, ScheduledExecutorService thread) {
        this.log = log;
        this.executors = executors;
        this.thread = thread;
    }

    /**
     * Starts the chores of a log just opened.
     *
     * @param retentionInterval milliseconds between retention runs; 0: none
     * @param meters            the log's meters; {@link MeteredLog#NONE}: no refresh
     * @param lagRefresh        the time between refreshes of the lag gauges
     * @return what stops them; a no-op where there is nothing to run
     */
    static Runnable start(KliteComponent component, KliteLog log, long retentionInterval, MeteredLog meters,
                          Duration lagRefresh) {
        boolean metered = meters != MeteredLog.NONE;
        if (retentionInterval == 0 && !metered) {
            return () -> { };
        }
        ExecutorServiceManager executors = component.getCamelContext().getExecutorServiceManager();
        LogChores chores = new LogChores(log, executors,
                executors.newSingleThreadScheduledExecutor(component, "KliteChores"));
        if (retentionInterval > 0) {
            chores.every(retentionInterval, retentionInterval, "Retention", chores::applyRetention);
        }
        if (metered) {
            chores.every(0, lagRefresh.toMillis(), "Refreshing the lag gauges", meters::refresh);
        }
        return chores::stop;
    }

    private void every(long initialDelay, long interval, String what, Runnable work) {
        thread.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (thread.isShutdown()) {
                    LOG.debug("{} of {} stopped with the component", what, log.path(), e);
                    return;
                }
                LOG.warn("{} of {} failed; trying again in {} ms; reason: {}", what, log.path(), interval,
                        DeliveryFailure.reason(e));
                LOG.debug("{} failure in detail", what, e);
            }
        }, initialDelay, interval, TimeUnit.MILLISECONDS);
    }

    private void applyRetention() {
        long deleted = log.applyRetention();
        if (deleted > 0) {
            LOG.debug("Retention deleted {} message(s) of {}", deleted, log.path());
        }
    }

    private void stop() {
        // a retention run stops after the chunk it is in once interrupted; the log closes after it
        executors.shutdownNow(thread);
        try {
            if (!thread.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.debug("The chores of {} still run after {} s; closing the log anyway", log.path(),
                        STOP_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
