package io.klite.camel.consumer;

import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.log.PartitionLease;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * the member takes it again. A partition that the poll thread may no longer deliver (its lease expired, a commit was
 * refused, it was given up) is not taken again before the poll thread has asked what it may deliver since, and so
 * dropped the partition's cursor: a cursor never outlives the lease it was placed under (a delivery that lasted
 * past the lease, say a pause of the process in it, never goes on from where it stood once the partition is taken
 * back; it starts again from the group's commit). Times by the machine's clock, shared by the processes on the file.
 *
 * <p>Threads: the member's own scheduled thread heartbeats and rebalances; the poll thread asks what it may deliver
 * and releases what was given up. Shared state is guarded by this; the poll thread reads a volatile snapshot, and
 * takes it together with the partitions dropped since under {@link #view}, which no database work runs inside.
 */
public final class GroupMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
    /** The longest wait between two looks at the group: how soon a partition given up by another member is taken. */
    private static final long MAX_LOOK_MILLIS = 250;

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

    /** The partitions whose leases this member holds, as last seen. Guarded by this. */
    private final Set<Integer> held = new TreeSet<>();
    /** Held partitions that are no longer this member's share, for the poll thread to release. Guarded by this. */
    private final Set<Integer> releasing = new TreeSet<>();
    /** When the last heartbeat was tried (nanoTime). Guarded by this. */
    private long lastBeatTriedNanos;
    /** Whether heartbeats fail (reported once per run of failures). Guarded by this. */
    private boolean beatsFail;

    /** Guards what the poll thread may deliver and what was dropped from it since it last asked. */
    private final Object view = new Object();
    /** What the poll thread may deliver: held minus releasing. Written under {@link #view}. */
    private volatile Set<Integer> deliverable = Set.of();
    /** Partitions dropped from {@link #deliverable} since the poll thread last asked: not taken meanwhile. */
    private final Set<Integer> droppedUnseen = new TreeSet<>();
    /** When the last successful heartbeat started (nanoTime). */
    private volatile long lastBeatNanos;
    /** Whether the poll thread has been told to stop by the self-check (poll thread only). */
    private boolean selfStopped;
    private volatile boolean releasePending;

    private ScheduledExecutorService executor;
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
        this.description = hostAndPid();
    }

    public String memberId() {
        return memberId;
    }

    /**
     * Joins: the first heartbeat and look at the group run on the caller's thread (a file that cannot be written
     * fails the start), then on {@code executor} every heartbeat interval, with looks at the group in between.
     */
    public void start(ScheduledExecutorService executor) {
        synchronized (this) {
            lastBeatTriedNanos = System.nanoTime();
            heartbeat(lastBeatTriedNanos);
            if (!beatsFail) {
                rebalance();
            }
        }
        this.executor = executor;
        long look = Math.min(MAX_LOOK_MILLIS, heartbeatInterval.toMillis());
        ticks = executor.scheduleWithFixedDelay(this::tick, look, look, TimeUnit.MILLISECONDS);
        LOG.info("Consumer of topic '{}' joined group '{}' as member {} ({}){}; it holds partitions {}", topic, group,
                memberId, description, listed.isEmpty() ? "" : " for partitions " + listed, deliverable);
    }

    /** A heartbeat where one is due, else a look at the group; never throws (a failure is reported, and tried again). */
    private synchronized void tick() {
        try {
            long now = System.nanoTime();
            if (now - lastBeatTriedNanos >= heartbeatInterval.toNanos()) {
                lastBeatTriedNanos = now;
                heartbeat(now);
            }
            if (!beatsFail) {
                rebalance();
            }
        } catch (RuntimeException e) {
            LOG.warn("Member {} of group '{}' on topic '{}' could not look at its group; trying again; reason: {}",
                    memberId, group, topic, DeliveryFailure.reason(e));
            LOG.debug("Failure in detail", e);
        }
    }

    /** Records the heartbeat, extending the leases held; a lease that expired meanwhile is gone. Guarded by this. */
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
        Set<Integer> expired = new TreeSet<>(held);
        expired.removeAll(stillHeld);
        if (!expired.isEmpty()) {
            LOG.warn("Member {} of group '{}' lost its lease of topic '{}' partition(s) {}: it expired before this"
                    + " heartbeat (the process paused, or heartbeats failed, for longer than the session timeout of"
                    + " {} ms); another member delivers them from the last commit", memberId, group, topic, expired,
                    sessionTimeout.toMillis());
            held.removeAll(expired);
            releasing.removeAll(expired);
        }
        publish();
        // only now: the poll thread must not see this heartbeat's time with partitions that expired before it
        lastBeatNanos = startedNanos;
    }

    /**
     * Works out this member's share from the live members and the topic's partitions; marks for release what it holds
     * beyond that and takes what is in it and free. Guarded by this.
     */
    private void rebalance() {
        Set<Integer> share = share(log.liveMembers(group, topic), log.partitionCount(topic));
        List<Integer> givenUp = new ArrayList<>();
        for (int partition : held) {
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
        wanted.removeAll(held);
        synchronized (view) {
            wanted.removeAll(droppedUnseen); // taken once the poll thread dropped their cursors
        }
        if (!wanted.isEmpty()) {
            long now = System.currentTimeMillis();
            for (PartitionLease lease : log.leases(group, topic)) {
                if (lease.expiresAt().toEpochMilli() > now && !lease.memberId().equals(memberId)) {
                    wanted.remove(lease.partition());
                }
            }
            List<Integer> taken = new ArrayList<>();
            for (int partition : wanted) {
                if (log.acquireLease(group, topic, partition, memberId, sessionTimeout)) {
                    held.add(partition);
                    taken.add(partition);
                }
            }
            if (!taken.isEmpty() && ticks != null) {
                LOG.info("Member {} of group '{}' took topic '{}' partition(s) {}", memberId, group, topic, taken);
            }
        }
        publish();
    }

    /**
     * The partitions that are this member's: those listed for it, or its range of the topic's partitions among the
     * live members without listed partitions, sorted by id (Kafka's range assignor: the first
     * {@code count % members} members get one more).
     */
    Set<Integer> share(List<Member> live, int partitionCount) {
        Set<Integer> share = new TreeSet<>();
        if (!listed.isEmpty()) {
            listed.stream().filter(p -> p < partitionCount).forEach(share::add);
            return share;
        }
        List<String> sharing = new ArrayList<>();
        for (Member member : live) {
            if (member.assigned().isEmpty()) {
                sharing.add(member.memberId());
            }
        }
        if (!sharing.contains(memberId)) {
            sharing.add(memberId);
        }
        Collections.sort(sharing);
        int index = sharing.indexOf(memberId);
        int each = partitionCount / sharing.size();
        int extra = partitionCount % sharing.size();
        int first = index * each + Math.min(index, extra);
        int size = each + (index < extra ? 1 : 0);
        for (int partition = first; partition < first + size; partition++) {
            share.add(partition);
        }
        return share;
    }

    /**
     * Publishes what the poll thread may deliver, noting what left it; tells the poll thread where that changed.
     * Guarded by this.
     */
    private void publish() {
        Set<Integer> now = new TreeSet<>(held);
        now.removeAll(releasing);
        releasePending = !releasing.isEmpty();
        synchronized (view) {
            if (now.equals(deliverable)) {
                return;
            }
            deliverable.stream().filter(partition -> !now.contains(partition)).forEach(droppedUnseen::add);
            deliverable = Collections.unmodifiableSet(now);
        }
        onChange.run();
    }

    /**
     * The partitions the poll thread may deliver now: none once the last successful heartbeat is older than
     * {@code sessionTimeout - heartbeatInterval} (said once, at WARN). Poll thread only, which drops the cursors of
     * every other partition before it asks again: partitions dropped before this call may be taken again after it.
     */
    public Set<Integer> deliverable(long nowNanos) {
        long lastBeat = lastBeatNanos; // first: a heartbeat publishes what expired before it, then its time
        Set<Integer> deliverable;
        synchronized (view) {
            deliverable = this.deliverable;
            droppedUnseen.clear();
        }
        if (nowNanos - lastBeat > selfCheckNanos) {
            if (!selfStopped) {
                selfStopped = true;
                LOG.warn("Member {} of group '{}' stops consuming topic '{}': its last heartbeat that worked was {} ms"
                        + " ago, and its leases expire {} ms after it; it goes on once a heartbeat works again",
                        memberId, group, topic, (nowNanos - lastBeat) / 1_000_000, sessionTimeout.toMillis());
            }
            return Set.of();
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
        return System.nanoTime() - lastBeatNanos <= selfCheckNanos && deliverable.contains(partition);
    }

    /**
     * Releases the partitions given up by a rebalance; called by the poll thread between rounds, after the commits of
     * what it delivered. A release that fails is tried again at the next call (until it works the member keeps
     * renewing the lease, so the partition would never move).
     */
    public void releaseGivenUp() {
        if (!releasePending) {
            return;
        }
        synchronized (this) {
            for (int partition : List.copyOf(releasing)) {
                try {
                    log.releaseLease(group, topic, partition, memberId);
                    releasing.remove(partition);
                    held.remove(partition);
                } catch (RuntimeException e) {
                    LOG.warn("Member {} of group '{}' could not release topic '{}' partition {}; trying again; reason:"
                            + " {}", memberId, group, topic, partition, DeliveryFailure.reason(e));
                }
            }
            publish();
        }
    }

    /**
     * A commit on the partition was refused because this member no longer holds its lease: it stops delivering the
     * partition, until it takes it again. Said once, at WARN, with the refusal.
     */
    public void lost(int partition, RuntimeException refusal) {
        synchronized (this) {
            held.remove(partition);
            releasing.remove(partition);
            publish();
        }
        LOG.warn("Member {} of group '{}' stops consuming topic '{}' partition {}: {}", memberId, group, topic,
                partition, refusal.getMessage());
    }

    /** Leaves the group: stops heartbeating and gives up every lease at once. Never throws. */
    @Override
    public void close() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            log.leaveGroup(group, topic, memberId);
            LOG.info("Member {} left group '{}' on topic '{}'", memberId, group, topic);
        } catch (RuntimeException e) {
            LOG.warn("Member {} of group '{}' could not leave topic '{}' cleanly: its partitions move to the others"
                    + " when its leases expire, within {} ms; reason: {}", memberId, group, topic,
                    sessionTimeout.toMillis(), DeliveryFailure.reason(e));
        }
    }

    /** For people: the host's name and the process id, looked up once per JVM. */
    private static String hostAndPid() {
        return HostAndPid.VALUE;
    }

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
