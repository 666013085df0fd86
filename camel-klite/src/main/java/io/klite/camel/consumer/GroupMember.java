package io.klite.camel.consumer;

import io.klite.log.KliteLog;
import io.klite.log.PartitionLease;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's membership of its group across processes (DESIGN §9): it heartbeats in the file, takes the leases of
 * the partitions that are its share (Kafka's range assignment over the group's live members without a
 * {@code partition} option, by member id) or that were listed for it, and gives back what is no longer its share.
 *
 * <p>Invariants: the poll thread delivers a partition only while this member holds its lease as last seen and its
 * last successful heartbeat is at most {@code sessionTimeout - heartbeatInterval} old (the self-check: it stops
 * before its leases can expire, as they run until {@code sessionTimeout} after that heartbeat); a partition is taken
 * only where its lease is free or expired, decided in the file; a partition that is no longer its share is released
 * by the poll thread between two rounds, so after the commits of what it delivered; a clean stop leaves the group,
 * so others take its partitions at once. A commit refused by the lease ({@link #lost}) drops the partition until
 * the member takes it again. A partition that leaves what the poll thread may deliver (its lease expired, a commit
 * was refused, it was given up) is not taken again before the poll thread has asked what it may deliver since, and so
 * dropped its cursor: a cursor never outlives the lease it was placed under (a delivery that outlasted its lease, say
 * in a process paused past its session, has its commit refused and never goes on from where it stood); each take has
 * its own number, and a partition taken again is placed afresh, at the committed offset. Lease times are the
 * machine's clock, shared by the processes on the file (a jump of the wall clock can end a lease early).
 *
 * <p>Threads: the member's own scheduled thread heartbeats and rebalances; the poll thread asks what it may deliver
 * and, between rounds, releases what was given up; where no round runs (a suspended route, a scheduler that polls
 * rarely), the member's thread releases it. Shared state is guarded by this; the poll thread reads a volatile
 * snapshot, taken with the partitions dropped since under a small lock of its own that no database work runs in.
 */
public final class GroupMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
    /** The longest wait between two looks at the group: how soon a partition given up by another member is taken. */
    private static final long MAX_LOOK_MILLIS = 250;
    /** How often the topic's partition count is read again, to share partitions added while the group runs. */
    private static final long COUNT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Numbers every take of a partition by any member in this JVM. */
    private static final AtomicLong TAKES = new AtomicLong();

    private final KliteLog log;
    private final String group;
    private final String topic;
    private final String memberId = UUID.randomUUID().toString();
    private final String description;
    private final List<Integer> listed;
    private final Duration heartbeatInterval;
    private final Duration sessionTimeout;
    private final long selfCheckNanos;
    private final Runnable onChange;
    /** Held by the poll thread during a round; the member's thread releases partitions only where it can take it. */
    private final ReentrantLock round = new ReentrantLock();

    /** The partitions whose leases this member holds, as last seen, with the number of their take. Guarded by this. */
    private final Map<Integer, Long> held = new TreeMap<>();
    /** Partitions whose refused commit was said since they were last taken (said once). Guarded by this. */
    private final Set<Integer> refusalsSaid = new TreeSet<>();
    /** Held partitions that are no longer this member's share, to release. Guarded by this. */
    private final Set<Integer> releasing = new TreeSet<>();
    /** When the last heartbeat was tried (nanoTime). Guarded by this. */
    private long lastBeatTriedNanos;
    /** Whether heartbeats, or looks at the group, fail (each reported once per run of failures). Guarded by this. */
    private boolean beatsFail;
    private boolean looksFail;
    /** The most partitions the topic has had while the member looked, and when it last looked (nanoTime). Guarded by this. */
    private int partitionCount;
    private long countReadNanos;
    /** Set when the member leaves: a look at the group that was running has ended, and none runs after. Guarded by this. */
    private boolean closed;

    /** Guards what the poll thread may deliver with what was dropped from it since the poll thread last asked. */
    private final Object view = new Object();
    /** What the poll thread may deliver: held minus releasing, with the number of each take. Written under view. */
    private volatile Map<Integer, Long> deliverable = Map.of();
    /** Partitions dropped from {@link #deliverable} since the poll thread last asked: not taken meanwhile. */
    private final Set<Integer> droppedUnseen = new TreeSet<>();
    /** When the last successful heartbeat started (nanoTime). */
    private volatile long lastBeatNanos;
    private volatile boolean releasePending;
    /** Whether the poll thread has been told to stop by the self-check (poll thread only). */
    private boolean selfStopped;
    private volatile ScheduledFuture<?> ticks;

    /**
     * @param listed   the partitions listed for the consumer ({@code partition}), or empty for its share
     * @param onChange called (on the member's thread) when what the poll thread may deliver changed
     */
    public GroupMember(KliteLog log, String group, String topic, List<Integer> listed, Duration heartbeatInterval,
            Duration sessionTimeout, Runnable onChange) {
        this.log = log;
        this.group = group;
        this.topic = topic;
        this.listed = List.copyOf(listed);
        this.heartbeatInterval = heartbeatInterval;
        this.sessionTimeout = sessionTimeout;
        this.selfCheckNanos = sessionTimeout.minus(heartbeatInterval).toNanos();
        this.onChange = onChange;
        this.description = HostAndPid.VALUE;
        // no heartbeat has worked yet: nothing may be delivered
        this.lastBeatNanos = System.nanoTime() - selfCheckNanos - 1;
    }

    public String memberId() {
        return memberId;
    }

    /**
     * Joins: the first heartbeat and look at the group run on the caller's thread, then on {@code executor} every
     * heartbeat interval, with looks at the group in between.
     *
     * @throws io.klite.log.KliteException where the first heartbeat cannot be written
     */
    public void start(ScheduledExecutorService executor) {
        synchronized (this) {
            lastBeatTriedNanos = System.nanoTime();
            List<Integer> stillHeld = log.heartbeat(group, topic, memberId, description, listed, sessionTimeout);
            beaten(lastBeatTriedNanos, stillHeld);
            rebalance();
        }
        long look = Math.min(MAX_LOOK_MILLIS, heartbeatInterval.toMillis());
        ticks = executor.scheduleWithFixedDelay(this::tick, look, look, TimeUnit.MILLISECONDS);
        LOG.info("Consumer of topic '{}' joined group '{}' as member {} ({}){}; it holds partitions {}", topic, group,
                memberId, description, listed.isEmpty() ? "" : " for partitions " + listed, deliverable.keySet());
        if (sessionTimeout.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
            LOG.warn("Member {} of group '{}' on topic '{}': sessionTimeout {} ms is less than 3 heartbeatIntervals ({} ms"
                    + " each): one slow heartbeat stops its delivery and may move its partitions", memberId, group,
                    topic, sessionTimeout.toMillis(), heartbeatInterval.toMillis());
        }
    }

    /** A heartbeat where one is due, then a look at the group; never throws (a failure is reported, and tried again). */
    private synchronized void tick() {
        if (closed) {
            return;
        }
        try {
            long now = System.nanoTime();
            if (now - lastBeatTriedNanos >= heartbeatInterval.toNanos()) {
                lastBeatTriedNanos = now;
                heartbeat(now);
            }
            if (!beatsFail) {
                rebalance();
                releaseWhileNoRound();
            }
            if (looksFail) {
                looksFail = false;
                LOG.info("Member {} of group '{}' on topic '{}' can look at its group again", memberId, group, topic);
            }
        } catch (Throwable e) {
            // an exception out of a scheduled task would end it silently, and the member with it
            if (!looksFail) {
                looksFail = true;
                LOG.warn("Member {} of group '{}' on topic '{}' could not look at its group; trying again every {} ms;"
                        + " reason: {}", memberId, group, topic, Math.min(MAX_LOOK_MILLIS, heartbeatInterval.toMillis()),
                        DeliveryFailure.reason(e));
                LOG.debug("Failure in detail", e);
            }
        }
    }

    /** Records the heartbeat; where it fails, says so once. Guarded by this. */
    private void heartbeat(long startedNanos) {
        List<Integer> stillHeld;
        try {
            stillHeld = log.heartbeat(group, topic, memberId, description, listed, sessionTimeout);
        } catch (RuntimeException e) {
            if (!beatsFail) {
                beatsFail = true;
                LOG.warn("Member {} of group '{}' on topic '{}' could not heartbeat; it stops consuming {} ms after the"
                        + " last heartbeat that worked, before its leases can expire, unless one works again first;"
                        + " reason: {}", memberId, group, topic, selfCheckNanos / 1_000_000, DeliveryFailure.reason(e));
                LOG.debug("Heartbeat failure in detail", e);
            }
            return;
        }
        if (beatsFail) {
            beatsFail = false;
            LOG.info("Member {} of group '{}' on topic '{}' heartbeats again", memberId, group, topic);
        }
        beaten(startedNanos, stillHeld);
    }

    /**
     * Takes in what a heartbeat said: leases that expired (or a forced reset revoked) before it are gone; leases it
     * renewed that this member does not count as held (a commit refused while the heartbeat waited for the file) are
     * held again, to be released unless they are its share. Guarded by this.
     */
    private void beaten(long startedNanos, List<Integer> stillHeld) {
        Set<Integer> expired = new TreeSet<>(held.keySet());
        stillHeld.forEach(expired::remove);
        if (!expired.isEmpty()) {
            LOG.warn("Member {} of group '{}' lost its lease of topic '{}' partition(s) {}: it expired before this"
                    + " heartbeat (the process paused, or heartbeats failed, for longer than the session timeout of"
                    + " {} ms), or a forced reset of the group's offsets revoked it; the member that takes a partition"
                    + " next, this one too, delivers it from the last commit", memberId, group, topic, expired,
                    sessionTimeout.toMillis());
            expired.forEach(held::remove);
            releasing.removeAll(expired);
        }
        for (int partition : stillHeld) {
            if (!held.containsKey(partition)) {
                held.put(partition, TAKES.incrementAndGet());
                refusalsSaid.remove(partition);
                releasing.add(partition);
            }
        }
        publish();
        // only now: the poll thread must never see this heartbeat's time with partitions that expired before it
        lastBeatNanos = startedNanos;
    }

    /**
     * Works out this member's share from the live members and the topic's partitions; marks for release what it holds
     * beyond that and takes what is in it and free. Guarded by this.
     */
    private void rebalance() {
        long now = System.nanoTime();
        if (countReadNanos == 0 || now - countReadNanos >= COUNT_REFRESH_NANOS) {
            // the most partitions the topic has had: a partition whose table another program dropped stays in the
            // share (its polls fail and say so) instead of being given up in silence
            partitionCount = Math.max(partitionCount, log.partitionCount(topic));
            countReadNanos = now;
        }
        Set<Integer> share = RangeAssignor.share(memberId, listed, log.liveMembers(group, topic), partitionCount);
        List<Integer> givenUp = new ArrayList<>();
        for (int partition : held.keySet()) {
            if (!share.contains(partition) && releasing.add(partition)) {
                givenUp.add(partition);
            }
        }
        releasing.removeIf(share::contains);
        if (!givenUp.isEmpty()) {
            LOG.info("Member {} of group '{}' gives up topic '{}' partition(s) {} (rebalance), once what it delivered"
                    + " of them is committed", memberId, group, topic, givenUp);
        }
        Set<Integer> wanted = new TreeSet<>(share);
        wanted.removeAll(held.keySet());
        synchronized (view) {
            wanted.removeAll(droppedUnseen); // taken once the poll thread has dropped their cursors
        }
        if (!wanted.isEmpty()) {
            long nowMillis = System.currentTimeMillis();
            for (PartitionLease lease : log.leases(group, topic)) {
                if (lease.expiresAt().toEpochMilli() > nowMillis && !lease.memberId().equals(memberId)) {
                    wanted.remove(lease.partition());
                }
            }
            List<Integer> taken = new ArrayList<>();
            for (int partition : wanted) {
                if (log.acquireLease(group, topic, partition, memberId, sessionTimeout)) {
                    held.put(partition, TAKES.incrementAndGet());
                    refusalsSaid.remove(partition);
                    taken.add(partition);
                }
            }
            if (!taken.isEmpty() && ticks != null) {
                LOG.info("Member {} of group '{}' took topic '{}' partition(s) {}", memberId, group, topic, taken);
            }
        }
        publish();
    }

    /** Publishes what the poll thread may deliver; tells it where that changed. Guarded by this. */
    private void publish() {
        Map<Integer, Long> now = new TreeMap<>();
        if (!closed) {
            held.forEach((partition, take) -> {
                if (!releasing.contains(partition)) {
                    now.put(partition, take);
                }
            });
        }
        releasePending = !releasing.isEmpty();
        synchronized (view) {
            if (now.equals(deliverable)) {
                return;
            }
            deliverable.keySet().stream().filter(partition -> !now.containsKey(partition))
                    .forEach(droppedUnseen::add);
            deliverable = Collections.unmodifiableMap(now);
        }
        onChange.run();
    }

    /**
     * The partitions the poll thread may deliver now, each with the number of its take (a partition taken again has a
     * new one): none once the last successful heartbeat is older than {@code sessionTimeout - heartbeatInterval}
     * (said once, at WARN), or once the member left. Poll thread only, which drops the cursors of every other
     * partition before it asks again: partitions dropped before this call may be taken again after it.
     */
    public Map<Integer, Long> deliverable(long nowNanos) {
        long lastBeat = lastBeatNanos; // read first: a heartbeat publishes what expired before it, then its time
        Map<Integer, Long> deliverable;
        synchronized (view) {
            deliverable = this.deliverable;
            droppedUnseen.clear(); // the caller drops the cursors of every other partition
        }
        if (nowNanos - lastBeat > selfCheckNanos) {
            if (!selfStopped) {
                selfStopped = true;
                LOG.warn("Member {} of group '{}' stops consuming topic '{}': its last heartbeat that worked was {} ms"
                        + " ago, and its leases expire {} ms after it; it goes on once a heartbeat works again",
                        memberId, group, topic, (nowNanos - lastBeat) / 1_000_000, sessionTimeout.toMillis());
            }
            return Map.of();
        }
        if (selfStopped) {
            selfStopped = false;
            LOG.info("Member {} of group '{}' consumes topic '{}' again", memberId, group, topic);
        }
        return deliverable;
    }

    /** Whether the poll thread may go on delivering the partition, message by message. */
    public boolean mayDeliver(int partition) {
        // the heartbeat's time first: a heartbeat publishes what expired before it, then its time
        return System.nanoTime() - lastBeatNanos <= selfCheckNanos && deliverable.containsKey(partition);
    }

    /**
     * Starts a round of the poll thread: first releases the partitions given up by a rebalance (what was delivered of
     * them is committed by now). Every call is followed by one {@link #endRound()}.
     */
    public void beginRound() {
        round.lock();
        if (releasePending) {
            synchronized (this) {
                releaseGivenUp();
            }
        }
    }

    public void endRound() {
        round.unlock();
    }

    /** Releases what was given up where no round runs: nothing of it is being delivered. Guarded by this. */
    private void releaseWhileNoRound() {
        if (releasePending && round.tryLock()) {
            try {
                releaseGivenUp();
            } finally {
                round.unlock();
            }
        }
    }

    /**
     * Releases the partitions given up. One whose release fails is tried again at the next chance (until it works,
     * the member's heartbeats renew its lease, so the partition would never move). Guarded by this.
     */
    private void releaseGivenUp() {
        for (int partition : List.copyOf(releasing)) {
            try {
                log.releaseLease(group, topic, partition, memberId);
                releasing.remove(partition);
                held.remove(partition);
            } catch (RuntimeException e) {
                LOG.warn("Member {} of group '{}' could not release topic '{}' partition {}; trying again; reason: {}",
                        memberId, group, topic, partition, DeliveryFailure.reason(e));
            }
        }
        publish();
    }

    /**
     * A commit on the partition was refused because this member no longer holds its lease: it stops delivering the
     * partition until it takes it again. The first refusal since the partition was last taken is said, at WARN.
     */
    public void lost(int partition, RuntimeException refusal) {
        boolean news;
        synchronized (this) {
            held.remove(partition);
            releasing.remove(partition);
            news = refusalsSaid.add(partition);
            publish();
        }
        if (news) {
            LOG.warn("Member {} of group '{}' stops consuming topic '{}' partition {}: {}", memberId, group, topic,
                    partition, refusal.getMessage());
        }
    }

    /**
     * Leaves the group once the poll thread's round in flight has ended (at most {@code sessionTimeout} later): stops
     * heartbeating, delivers nothing more, and gives up every lease at once. Never throws. The executor given to
     * {@link #start} is its owner's to shut down.
     */
    @Override
    public void close() {
        // the round in flight commits what it delivered first (a stop lets the exchange in flight finish), while
        // heartbeats keep the leases; a round that takes longer than the session timeout is left behind
        boolean roundEnded = false;
        try {
            roundEnded = round.tryLock(sessionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            synchronized (this) {
                // waits for a look at the group that is running: a lease it took after the leave would be held,
                // unused, until it expired
                closed = true;
                publish();
            }
            if (ticks != null) {
                ticks.cancel(false);
            }
            log.leaveGroup(group, topic, memberId);
            LOG.info("Member {} left group '{}' on topic '{}'", memberId, group, topic);
        } catch (RuntimeException e) {
            LOG.warn("Member {} of group '{}' could not leave topic '{}' cleanly: its partitions move to the others"
                    + " when its leases expire, within {} ms; reason: {}", memberId, group, topic,
                    sessionTimeout.toMillis(), DeliveryFailure.reason(e));
        } finally {
            if (roundEnded) {
                round.unlock();
            }
        }
    }

    /** For people: the host's name and the process id, looked up once per JVM. */
    private static final class HostAndPid {
        static final String VALUE = host() + " pid " + ProcessHandle.current().pid();

        private static String host() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return "unknown host";
            }
        }
    }
}
