package io.klite.camel.consumer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Runs a consumer's polls like Camel's default scheduler ({@code initialDelay}, then {@code delay} between polls,
 * fixed delay or fixed rate), and also at once when {@link #wake()} is called: a send to the topic ends the wait
 * instead of leaving its messages for the next poll.
 *
 * <p>Invariants: polls run one at a time on one thread of the consumer's own; a wake during a poll makes the next
 * poll start right after it, so no signal is lost; wakes before the first poll do not shorten {@code initialDelay}.
 * Everything Camel does per poll (backoff, {@code greedy}, {@code repeatCount}, the poll strategy) stays in the
 * consumer's task.
 */
public final class WakeablePollScheduler extends ServiceSupport implements ScheduledPollConsumerScheduler {

    private final long initialDelayNanos;
    private final long delayNanos;
    private final boolean fixedDelay;
    private CamelContext camelContext;
    private Consumer consumer;
    private Runnable task;
    private ExecutorService executor;
    private Future<?> loop;
    /** Guarded by this: the loop runs polls while scheduled. */
    private boolean scheduled;
    /** Guarded by this: a wake came since the last poll started. */
    private boolean woken;

    public WakeablePollScheduler(long initialDelay, long delay, TimeUnit timeUnit, boolean fixedDelay) {
        this.initialDelayNanos = timeUnit.toNanos(Math.max(0, initialDelay));
        this.delayNanos = timeUnit.toNanos(Math.max(1, delay));
        this.fixedDelay = fixedDelay;
    }

    /** Makes the next poll start now, or right after the one running; harmless and cheap at any rate. */
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    @Override
    public void onInit(Consumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public void scheduleTask(Runnable task) {
        this.task = task;
    }

    @Override
    public synchronized void startScheduler() {
        if (loop == null && executor != null) {
            scheduled = true;
            loop = executor.submit(this::pollLoop);
        }
    }

    @Override
    public synchronized boolean isSchedulerStarted() {
        return loop != null && scheduled;
    }

    @Override
    public void unscheduleTask() {
        Future<?> running;
        synchronized (this) {
            scheduled = false;
            notifyAll();
            running = loop;
            loop = null;
        }
        if (running != null) {
            // as Camel's default scheduler does: a poll in progress is interrupted
            running.cancel(true);
        }
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
        executor = camelContext.getExecutorServiceManager()
                .newSingleThreadExecutor(consumer, consumer.getEndpoint().getEndpointUri());
    }

    @Override
    protected void doStop() {
        unscheduleTask();
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    private void pollLoop() {
        long nextPoll = System.nanoTime() + initialDelayNanos;
        synchronized (this) {
            if (!waitUntil(nextPoll, false)) {
                return;
            }
        }
        while (true) {
            long started = System.nanoTime();
            synchronized (this) {
                woken = false;
            }
            task.run();
            nextPoll = (fixedDelay ? System.nanoTime() : started) + delayNanos;
            synchronized (this) {
                if (!waitUntil(nextPoll, true)) {
                    return;
                }
            }
        }
    }

    /**
     * Waits until {@code deadline} ({@link System#nanoTime()}), or, where {@code wakeable}, a wake.
     *
     * @return whether to poll; false once unscheduled
     */
    private boolean waitUntil(long deadline, boolean wakeable) {
        try {
            for (long left = deadline - System.nanoTime(); scheduled && !(wakeable && woken) && left > 0;
                 left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return scheduled;
    }
}
