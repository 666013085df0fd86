package io.klite.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntConsumer;

/**
 * A persistent, Kafka-like message log in one SQLite file: topics split into partitions, messages addressed by
 * offset, consumer groups with committed offsets. Thread-safe; open one per file and share it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Offsets within a partition are strictly increasing and never reused; a batch gets contiguous offsets,
 *       in list order, in one transaction (all of it or none of it).</li>
 *   <li>A send that returned is committed to the file and survives the process being killed.</li>
 *   <li>A group's committed offset is the offset of the last message it processed. {@link #commit} never moves it
 *       backwards and never past the partition's end; only {@link #resetOffset} and {@link #resetOffsets} move it
 *       back.</li>
 *   <li>The file stays in the seed klite's format (one {@code <topic>_<partition>} table per partition, one
 *       {@code consumer_offsets} table), so other programs may read and write it at the same time.</li>
 *   <li>A message's headers are a JSON object of strings in its row's {@code headers} column, NULL where it has
 *       none.</li>
 *   <li>A send waits for another process's lock about {@link LogOptions#busyTimeout()} in all, then fails with a
 *       {@link KliteStorageException} and writes nothing.</li>
 *   <li>No write goes to a file that was deleted or replaced since the log opened it (see {@link #checkFile()}).</li>
 *   <li>The {@code -wal} file stays below 64 MiB under steady load, also while readers never pause (SQLite's own
 *       checkpoints then starve): after a write that took it past 16 MiB, the writer checkpoints and truncates it,
 *       holding the next writes up for about 0.1 s at most plus the copy, and never failing a send.</li>
 *   <li>A group's failed deliveries are counted in the {@code klite_delivery_attempts} table until it commits past
 *       them; a dead-letter write and the group's commit past the message are one transaction, and a redrive copies
 *       each dead letter back once.</li>
 *   <li>{@link #topics()}, {@link #groups()} and {@link #groupPartitions()} each read the file at one moment, in one
 *       read transaction that no writer waits for and that writes nothing: a topic another process creates or drops
 *       meanwhile is in the answer whole, or not at all.</li>
 *   <li>Bad input is refused before anything is written, with a message naming the value and the rule.</li>
 * </ul>
 */
public final class KliteLog implements AutoCloseable {

    private final LogOptions options;
    private final Database db;
    private final Catalog catalog;
    private final ConsumerOffsets offsets;
    private final AppendSignals appends;
    private final DeliveryAttemptsTable attempts;
    private final DeadLetters deadLetters;
    private final TopicConfigTable topicConfigs;
    private final Retention retention;
    private final GroupLeases leases;
    private final IdempotencyKeys idempotencyKeys;
    private final LogListeners listeners = new LogListeners();

    /** A time as SQLite's date functions read it, in UTC to the millisecond. */
    private static final DateTimeFormatter SQLITE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** The first time SQLite's date functions read (year 0000). */
    private static final Instant FIRST_SQLITE_TIME = LocalDate.of(0, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
    /** The first time after the last one they read (year 9999): they read it as no date, which no row is after. */
    private static final Instant AFTER_SQLITE_TIMES =
            LocalDate.of(10_000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    /** The consumer group whose committed offset on a dead-letter partition marks how far it was redriven. */
    public static final String REDRIVE_GROUP = "klite.redrive";

    private KliteLog(Path path, LogOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.db = new Database(Objects.requireNonNull(path, "path"), options, listeners);
        this.appends = AppendSignals.of(db.path());
        this.catalog = new Catalog(db, new GroupCommit(db));
        this.offsets = new ConsumerOffsets(db, catalog);
        this.attempts = new DeliveryAttemptsTable(db, catalog);
        this.deadLetters = new DeadLetters(db, catalog, offsets, appends, listeners, options.defaultPartitionCount());
        this.topicConfigs = new TopicConfigTable(db, catalog);
        this.retention = new Retention(db, catalog, listeners);
        this.leases = new GroupLeases(db);
        this.idempotencyKeys = new IdempotencyKeys(db);
        try {
            // a read first: a file that has every table already (the usual case) takes no write lock to open
            if (!db.read(KliteLog::hasEveryTable)) {
                db.write(conn -> {
                    conn.exec(Catalog.CONSUMER_OFFSETS_DDL);
                    conn.exec(DeliveryAttemptsTable.DDL);
                    conn.exec(TopicConfigTable.DDL);
                    conn.exec(GroupLeases.MEMBERS_DDL);
                    conn.exec(GroupLeases.LEASES_DDL);
                    conn.exec(IdempotencyKeys.DDL);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The tables {@link #KliteLog} creates where missing, each created by one {@code CREATE TABLE IF NOT EXISTS}. */
    private static final List<String> TABLES = List.of("consumer_offsets", "klite_delivery_attempts",
            "klite_topic_config", "klite_members", "klite_partition_leases", "klite_idempotency_keys");

    /** Whether the file has every one of {@link #TABLES}: then opening it writes nothing and takes no write lock. */
    private static boolean hasEveryTable(Conn conn) throws java.sql.SQLException {
        int found = 0;
        try (java.sql.ResultSet rs = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .executeQuery()) {
            while (rs.next()) {
                found += TABLES.contains(rs.getString(1)) ? 1 : 0;
            }
        }
        return found == TABLES.size();
    }

    /**
     * Opens (creating where missing, with its parent folders) the log in the SQLite file at {@code path}. Klite's
     * tables are created where one is missing, in one write transaction; a file that has them all is opened with a
     * read only, so that opening waits for no writer and writes nothing.
     */
    public static KliteLog open(Path path) {
        return open(path, LogOptions.DEFAULTS);
    }

    /** Opens the log with explicit {@link LogOptions}. */
    public static KliteLog open(Path path, LogOptions options) {
        return new KliteLog(path, options);
    }

    /** The absolute path of the SQLite file. */
    public Path path() {
        return db.path();
    }

    public LogOptions options() {
        return options;
    }

    /**
     * Whether the file at {@link #path()} is still the one this log opened: empty where it is; else the problem,
     * naming the file (deleted, or replaced by another file, since it was opened), and every write fails until the
     * log is opened again. One {@code stat} of the file: cheap enough for a health check.
     */
    public Optional<String> checkFile() {
        return db.checkFile();
    }

    /**
     * Whether the file can be written as far as can be told without writing: empty where it can; else the problem,
     * naming the file: it, its folder (where SQLite keeps its {@code -wal} and {@code -shm} files) or one of those
     * files is not writable (permissions, a read-only file system, the immutable attribute), or the last write of this
     * log failed with a SQLite error (disk full, I/O error, read-only...) and no write has succeeded since. A lock held
     * too long by another process is not such an error. A few {@code access} calls; never takes the write lock.
     */
    public Optional<String> checkWritable() {
        return db.checkWritable();
    }

    // ---------------------------------------------------------------- producing

    /** Appends one message without a key; see {@link #send(String, int, String, Object)}. */
    public long send(String topic, int partition, Object payload) {
        return send(topic, partition, null, payload);
    }

    /**
     * Appends one message. A topic that does not exist is created with
     * {@link LogOptions#defaultPartitionCount()} partitions.
     *
     * @param key     the message key, or null
     * @param payload {@code byte[]} (stored as is) or {@code String} (stored as UTF-8)
     * @return the message's offset
     */
    public long send(String topic, int partition, String key, Object payload) {
        return send(topic, partition, key, null, payload);
    }

    /**
     * Appends one message with headers, stored as a JSON object of strings in the row's {@code headers} column
     * (NULL where {@code headers} is null or empty).
     *
     * @param headers names and values, none of them null
     * @return the message's offset
     * @throws IllegalArgumentException where a header name or value is null; nothing is written then
     */
    public long send(String topic, int partition, String key, Map<String, String> headers, Object payload) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return append(tp, key, Headers.toColumn(headers), List.of(Payloads.toBytes(payload, "payload")))
                .firstOffset();
    }

    /** Appends a batch without a key; see {@link #sendBatch(String, int, String, List)}. */
    public BatchResult sendBatch(String topic, int partition, List<?> payloads) {
        return sendBatch(topic, partition, null, payloads);
    }

    /**
     * Appends a batch in one transaction: every message or none. The offsets are contiguous, in list order (rows
     * go in with multi-row inserts of up to 1000 rows, which SQLite numbers in order).
     *
     * @param key      the key of every message of the batch, or null
     * @param payloads at least one; each {@code byte[]} or {@code String}
     */
    public BatchResult sendBatch(String topic, int partition, String key, List<?> payloads) {
        return sendBatch(topic, partition, key, null, payloads);
    }

    /**
     * Appends a batch as {@link #sendBatch(String, int, String, List)} does, every message with the same headers
     * (none where {@code headers} is null or empty).
     *
     * @throws IllegalArgumentException where a header name or value is null; nothing is written then
     */
    public BatchResult sendBatch(String topic, int partition, String key, Map<String, String> headers,
            List<?> payloads) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return append(tp, key, Headers.toColumn(headers), Payloads.toBytes(payloads));
    }

    /**
     * Appends messages that each have their own key and headers, in one transaction: every message or none, at
     * contiguous offsets in list order, as {@link #sendBatch(String, int, String, Map, List)} writes a batch (a run of
     * messages with the same key and headers shares its multi-row inserts).
     *
     * @param messages at least one
     * @throws IllegalArgumentException where there is none, or a header name or value is null; nothing is written then
     */
    public BatchResult sendMessages(String topic, int partition, List<OutgoingMessage> messages) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("Invalid batch " + (messages == null ? "null" : "[]")
                    + ": a batch holds at least one message");
        }
        List<Run> runs = new ArrayList<>();
        for (OutgoingMessage message : messages) {
            String headers = Headers.toColumn(message.headers());
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && Objects.equals(last.key(), message.key()) && Objects.equals(last.headers(), headers)) {
                last.data().add(message.payload());
            } else {
                List<byte[]> data = new ArrayList<>();
                data.add(message.payload());
                runs.add(new Run(message.key(), headers, data));
            }
        }
        long deadline = db.deadline();
        BatchResult result;
        try {
            result = appendRuns(tp, runs, deadline);
        } catch (KliteStorageException e) {
            if (!Database.isMissingTable(e)) {
                throw e;
            }
            // as for append: the table was dropped since this log last wrote to it
            result = appendRuns(tp, runs, deadline);
        }
        listeners.produced(tp.topic(), tp.partition(), messages.size());
        appends.appended(tp.topic(), tp.partition());
        return result;
    }

    /** Consecutive messages of {@link #sendMessages} with the same key and headers column. */
    private record Run(String key, String headers, List<byte[]> data) {
    }

    private BatchResult appendRuns(TopicPartition tp, List<Run> runs, long deadline) {
        PartitionTable table = catalog.forWrite(tp, options.defaultPartitionCount(), deadline);
        return table.write(deadline, conn -> {
            long first = -1;
            int count = 0;
            for (Run run : runs) {
                BatchResult written = table.appendIn(conn, run.key(), run.headers(), run.data());
                if (first < 0) {
                    first = written.firstOffset();
                }
                count += written.count();
            }
            return new BatchResult(first, count);
        });
    }

    /**
     * Appends one message once per idempotency key, as {@link #send(String, int, String, Map, Object)} does: where
     * the file remembers {@code once}'s key (within its window) from a send with the same fingerprint, nothing is
     * written and that send's result is answered ({@link IdempotentSend#replayed()}), wherever it went. The key is
     * stored in the transaction that writes the message, so a retry after a crash at any point writes once. Keys are
     * forgotten once their window has passed (the retention cleaner deletes them).
     *
     * @throws IdempotencyKeyReusedException where the key was used for another send (another fingerprint) within its
     *                                       window; nothing is written then
     */
    public IdempotentSend send(IdempotencyKey once, String topic, int partition, String key,
            Map<String, String> headers, Object payload) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return appendOnce(once, tp, key, Headers.toColumn(headers), List.of(Payloads.toBytes(payload, "payload")));
    }

    /**
     * Appends a batch once per idempotency key: {@link #sendBatch(String, int, String, Map, List)} with the rules of
     * {@link #send(IdempotencyKey, String, int, String, Map, Object)}.
     *
     * @throws IdempotencyKeyReusedException where the key was used for another send within its window
     */
    public IdempotentSend sendBatch(IdempotencyKey once, String topic, int partition, String key,
            Map<String, String> headers, List<?> payloads) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return appendOnce(once, tp, key, Headers.toColumn(headers), Payloads.toBytes(payloads));
    }

    /**
     * The send the file remembers for {@code once}'s key, within its window: where a retry can be answered without
     * choosing a partition or creating a topic. A read; the send itself checks again in its write transaction.
     *
     * @return the first send, {@link IdempotentSend#replayed()}; empty where the key is unknown or its window passed
     * @throws IdempotencyKeyReusedException where the key was used for another send (another fingerprint)
     */
    public Optional<IdempotentSend> sentWith(IdempotencyKey once) {
        Objects.requireNonNull(once, "once");
        IdempotencyKeys.Found found = db.read(conn -> idempotencyKeys.findIn(conn, once, System.currentTimeMillis()));
        refuseOther(once, found);
        return found instanceof IdempotencyKeys.Sent sent ? Optional.of(sent.send()) : Optional.empty();
    }

    /** The write of the idempotent sends: the key looked up, the messages and the key written, in one transaction. */
    private IdempotentSend appendOnce(IdempotencyKey once, TopicPartition tp, String key, String headers,
            List<byte[]> data) {
        if (!catalog.isReady(tp) && catalog.partitionCount(tp.topic()) == 0) {
            sentWith(once); // a reused key refused before its topic is created, so that the refusal leaves no trace
        }
        long deadline = db.deadline();
        IdempotencyKeys.Found found;
        try {
            found = appendOnceAttempt(once, tp, key, headers, data, deadline);
        } catch (KliteStorageException e) {
            if (!Database.isMissingTable(e)) {
                throw e;
            }
            // as for append: the table was dropped since this log last wrote to it; the retry looks the key up again
            found = appendOnceAttempt(once, tp, key, headers, data, deadline);
        }
        refuseOther(once, found);
        IdempotentSend send = ((IdempotencyKeys.Sent) found).send();
        if (!send.replayed()) {
            listeners.produced(tp.topic(), tp.partition(), data.size());
            appends.appended(tp.topic(), tp.partition());
        }
        return send;
    }

    /** One try of {@link #appendOnce}: the key looked up, the messages and the key written, in one transaction. */
    private IdempotencyKeys.Found appendOnceAttempt(IdempotencyKey once, TopicPartition tp, String key,
            String headers, List<byte[]> data, long deadline) {
        PartitionTable table = catalog.forWrite(tp, options.defaultPartitionCount(), deadline);
        return table.write(deadline, conn -> {
            long now = System.currentTimeMillis();
            IdempotencyKeys.Found earlier = idempotencyKeys.findIn(conn, once, now);
            if (!(earlier instanceof IdempotencyKeys.Absent)) {
                return earlier;
            }
            BatchResult result = table.appendIn(conn, key, headers, data);
            idempotencyKeys.storeIn(conn, once, tp, result, now);
            return new IdempotencyKeys.Sent(new IdempotentSend(tp.topic(), tp.partition(), result, false));
        });
    }

    private static void refuseOther(IdempotencyKey once, IdempotencyKeys.Found found) {
        if (found instanceof IdempotencyKeys.Other other) {
            throw new IdempotencyKeyReusedException("Idempotency key '" + once.key() + "' was used at "
                    + other.createdAt() + " for another send (to topic '" + other.topic() + "'); a retry must send"
                    + " the same message to the same place, and a new message needs a new key");
        }
    }

    /** The write of {@link #send} and {@link #sendBatch}; then tells the topic's listeners. */
    private BatchResult append(TopicPartition tp, String key, String headers, List<byte[]> data) {
        // one wait for another connection's lock in all, whether or not the table must be created first
        long deadline = db.deadline();
        BatchResult result;
        try {
            result = appendAttempt(tp, key, headers, data, deadline);
        } catch (KliteStorageException e) {
            if (!Database.isMissingTable(e)) {
                throw e;
            }
            // its table was dropped since this log last wrote to it (the topic deleted, maybe by another process), and
            // the catalog has forgotten it: nothing was written, and a send to a topic that does not exist creates it
            result = appendAttempt(tp, key, headers, data, deadline);
        }
        listeners.produced(tp.topic(), tp.partition(), data.size());
        appends.appended(tp.topic(), tp.partition());
        return result;
    }

    private BatchResult appendAttempt(TopicPartition tp, String key, String headers, List<byte[]> data, long deadline) {
        return catalog.forWrite(tp, options.defaultPartitionCount(), deadline).append(key, headers, data, deadline);
    }

    /**
     * Calls {@code listener} with the partition after each send or batch to {@code topic} commits, through any
     * {@code KliteLog} of this file in this JVM: how a consumer learns of new messages without waiting for its next
     * poll. Writes by other processes are not signalled. The listener runs on the sender's thread; it must be quick
     * and must not block.
     *
     * @return closing it removes the listener
     */
    public Subscription addAppendListener(String topic, IntConsumer listener) {
        TopicPartition.validateTopic(topic);
        return appends.listen(topic, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a listener of this log's work (sends, dead letters, redrives, retention, write transactions): what metrics
     * count with. It hears of work done through this {@code KliteLog} only, not through another one of the same file
     * or another process. See {@link LogListener} for when it is called and what it must not do.
     *
     * @return closing it removes the listener
     */
    public Subscription addListener(LogListener listener) {
        return listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Kafka's default partitioner: {@code toPositive(murmur2(utf8(key))) % partitionCount}, the partition Kafka
     * would pick for this key.
     */
    public static int partitionFor(String key, int partitionCount) {
        return KafkaPartitioner.partitionFor(key, partitionCount);
    }

    // ---------------------------------------------------------------- topics

    /**
     * Creates a topic with {@code partitions} partitions, or adds partitions to an existing one up to that count.
     * Never removes partitions.
     *
     * @param partitions 1 to {@value Limits#MAX_PARTITIONS}
     * @return the topic's partition count afterwards
     */
    public int createTopic(String topic, int partitions) {
        TopicPartition.validateTopic(topic);
        Limits.partitionCount("Invalid partition count for topic '" + topic + "': ", partitions);
        return catalog.createTopic(topic, partitions);
    }

    /**
     * Creates a topic with {@code partitions} partitions where the file has none of that name; an existing topic
     * keeps its partitions, fewer or more.
     *
     * @param partitions 1 to {@value Limits#MAX_PARTITIONS}
     * @return the topic's partition count afterwards
     */
    public int createTopicIfAbsent(String topic, int partitions) {
        TopicPartition.validateTopic(topic);
        Limits.partitionCount("Invalid partition count for topic '" + topic + "': ", partitions);
        return catalog.createTopicIfAbsent(topic, partitions);
    }

    /**
     * Deletes the topic, in one transaction: its partition tables (with their messages and SQLite's memory of their
     * highest offsets, so that a send afterwards creates the topic afresh from offset 1), every group's committed
     * offsets and counts of failed deliveries on it, its settings, its partition leases and its dead members. Refused
     * while live members of a group consume it (stop its consumers first; a killed one counts until its session
     * timeout has passed). Its dead-letter topic, if any, is a topic of its own and stays. Another {@code KliteLog}
     * of the file (another process) that had used a partition of the topic fails one call on it (a read or a commit;
     * a send creates the topic again instead), and then sees the topic gone.
     *
     * @return the partition count the topic had
     * @throws UnknownTopicException where the topic does not exist
     * @throws GroupNotEmptyException where live members consume the topic, naming them and their groups; nothing is
     *                               deleted then
     */
    public int deleteTopic(String topic) {
        return catalog.deleteTopic(TopicPartition.validateTopic(topic));
    }

    /**
     * Stores the topic's retention settings in the file, replacing those before, for every process on it.
     *
     * @throws UnknownTopicException where the topic does not exist; nothing is written then
     */
    public void configureTopic(String topic, TopicConfig config) {
        topicConfigs.store(topic, Objects.requireNonNull(config, "config"));
    }

    /** The topic's retention settings; {@link TopicConfig#KEEP_EVERYTHING} where none were set. */
    public TopicConfig topicConfig(String topic) {
        return topicConfigs.read(topic);
    }

    /**
     * Deletes, oldest first, the topic's messages that its {@link #topicConfig} no longer keeps, in transactions of
     * at most 5,000 rows, pausing after each as long as it took so that sends go on meanwhile; safe while other
     * threads and processes send, consume or do the same. Offsets are never reused, also where a partition is emptied.
     * An interrupted thread stops after the transaction it is in.
     *
     * @return how many messages were deleted
     */
    public long applyRetention(String topic) {
        return retention.apply(topic, topicConfig(topic), Instant.now());
    }

    /**
     * {@link #applyRetention(String)} for every topic whose settings delete messages: what a cleaner runs. A topic that
     * cannot be cleaned (its table unreadable, the file busy past the timeout) holds back no other: the rest are
     * cleaned, then the failure is thrown.
     *
     * @return how many messages were deleted
     * @throws KliteException naming the topics that could not be cleaned and why, once every other topic was
     */
    public long applyRetention() {
        Instant now = Instant.now();
        long deleted = 0;
        List<String> failed = new ArrayList<>();
        RuntimeException failure = null;
        try {
            idempotencyKeys.deleteExpired(now);
        } catch (RuntimeException e) {
            failed.add("the expired idempotency keys");
            failure = e;
        }
        for (Map.Entry<String, TopicConfig> topic : topicConfigs.deleting().entrySet()) {
            try {
                deleted += retention.apply(topic.getKey(), topic.getValue(), now);
            } catch (RuntimeException e) {
                failed.add("topic '" + topic.getKey() + "'");
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw new KliteException("Retention of " + String.join(", ", failed)
                    + " failed (" + deleted + " message(s) of the other topics were deleted): "
                    + failure.getMessage(), failure);
        }
        return deleted;
    }

    /**
     * Rebuilds the file without its free pages ({@code VACUUM}) and empties the WAL, so that the file shrinks to what
     * it holds after retention deleted many messages. Writers of this process wait while it runs, and other
     * processes' writers wait up to their busy timeout (and fail where it runs longer): an operation for a quiet moment.
     *
     * The rebuilt pages then go from the {@code -wal} file back into the file, tried again for up to the busy timeout
     * while other connections keep that from finishing; where it still cannot, they stay in the WAL (nothing is lost,
     * and a read sees them) and a later checkpoint copies them back: the {@code -wal} file then stays large meanwhile.
     *
     * @return the file's size in bytes afterwards (without its {@code -wal} file)
     */
    public long compact() {
        db.compact();
        try {
            return Files.size(db.path());
        } catch (IOException e) {
            throw new KliteStorageException("Cannot read the size of Klite database '" + db.path() + "'", e);
        }
    }

    /** The topic's partition count: its highest partition number + 1, or 0 where the topic does not exist. */
    public int partitionCount(String topic) {
        return catalog.partitionCount(TopicPartition.validateTopic(topic));
    }

    /**
     * The partition's end offset: the highest offset ever written to it; 0 where it is empty or its topic does not
     * exist.
     */
    public long endOffset(String topic, int partition) {
        PartitionTable table = catalog.forRead(new TopicPartition(topic, partition));
        return table == null ? 0 : table.endOffset();
    }

    /**
     * The partition's start offset: the lowest offset still stored (retention deletes the oldest messages), or
     * {@link #endOffset} + 1 where it holds none; 1 for a partition that does not exist yet. A reader from the start
     * gets this offset first.
     *
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    public long startOffset(String topic, int partition) {
        PartitionTable table = forRead(topic, partition, 1, 1);
        return table == null ? 1 : table.startOffset();
    }

    /**
     * The offset of the partition's first message written at or after {@code time}, or {@link #endOffset} + 1 where
     * none is: Kafka's {@code offsetsForTimes}, for a reset or a read from a time. Times are the rows'
     * {@code created} (SQLite's UTC time, to the second, for rows Klite writes: a message written at 10:00:00.400
     * counts as 10:00:00). O(log n) lookups; exact where the times do not go backwards along the offsets, as they do
     * not for rows written on one machine unless its clock is set back.
     *
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    public long offsetForTime(String topic, int partition, Instant time) {
        Objects.requireNonNull(time, "time");
        PartitionTable table = forRead(topic, partition, 1, 1);
        // SQLite reads years 0000 to 9999: a time before is before every message; one after, after every message
        Instant readable = time.isBefore(FIRST_SQLITE_TIME) ? FIRST_SQLITE_TIME
                : time.isAfter(AFTER_SQLITE_TIMES) ? AFTER_SQLITE_TIMES : time;
        return table == null ? 1 : table.offsetAtOrAfter(SQLITE_TIME.format(readable));
    }

    /**
     * Every topic in the file with its partitions and their start and end offsets, sorted by topic name: all read in
     * one read transaction, so the tables and the offsets are those of one moment (a topic another process creates or
     * drops meanwhile is in the list or not, whole). Two index lookups per partition, one read of SQLite's table of
     * highest offsets and, where the file's schema changed since the last call, of its tables. Reads only: a table
     * another program created without Klite's columns is listed as it is.
     */
    public List<TopicInfo> topics() {
        return db.readTransaction(this::topicsIn);
    }

    /**
     * One topic as {@link #topics()} lists it, its partitions' offsets read in one read transaction (one look at
     * {@code sqlite_sequence}, not one per partition); empty where it does not exist.
     */
    public Optional<TopicInfo> topic(String topic) {
        String name = TopicPartition.validateTopic(topic);
        return db.readTransaction(conn -> topicsIn(conn, name)).stream().findFirst();
    }

    /** {@link #topics()} inside a read transaction the caller runs. */
    private List<TopicInfo> topicsIn(Conn conn) throws java.sql.SQLException {
        return topicsIn(conn, null);
    }

    /** The topics (only {@code only} where it is not null) inside a read transaction the caller runs. */
    private List<TopicInfo> topicsIn(Conn conn, String only) throws java.sql.SQLException {
        List<TopicInfo> topics = new ArrayList<>();
        TableScan scan = catalog.scanAll(conn);
        Map<String, Long> sequences = catalog.sequences(conn);
        for (TableScan.TopicTables topic : scan.topics()) {
            if (only != null && !only.equals(topic.topic())) {
                continue;
            }
            List<PartitionInfo> partitions = new ArrayList<>();
            for (int p = 0; p < topic.partitionCount(); p++) {
                partitions.add(topic.partitions().contains(p)
                        ? catalog.table(new TopicPartition(topic.topic(), p)).info(conn, sequences)
                        : new PartitionInfo(p, 1, 0));
            }
            topics.add(new TopicInfo(topic.topic(), partitions));
        }
        topics.sort((a, b) -> a.topic().compareTo(b.topic()));
        return topics;
    }

    // ---------------------------------------------------------------- consuming

    /**
     * The next messages for a group: those after its committed offset (from the start where it has none), in
     * offset order. Fetching does not move the committed offset; {@link #commit} does. A topic that does not
     * exist yet has no messages.
     *
     * @param maxMessages at least 1
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    public List<Message> fetch(String group, String topic, int partition, int maxMessages) {
        return fetch(group, topic, partition, maxMessages, Long.MAX_VALUE);
    }

    /**
     * {@link #fetch(String, String, int, int)} with a cap on memory: the fetch ends before the message that would take
     * its payloads past {@code maxBytes}, but always takes one message, however large.
     *
     * @param maxBytes at least 1
     */
    public List<Message> fetch(String group, String topic, int partition, int maxMessages, long maxBytes) {
        ConsumerOffsets.validateGroup(group);
        PartitionTable table = forRead(topic, partition, maxMessages, maxBytes);
        return table == null ? List.of() : table.fetch(group, maxMessages, maxBytes);
    }

    /**
     * Messages with an offset above {@code afterOffset}, in offset order, whatever any group committed: for
     * replay, and for consumers that track their position themselves.
     */
    public List<Message> read(String topic, int partition, long afterOffset, int maxMessages) {
        return read(topic, partition, afterOffset, maxMessages, Long.MAX_VALUE);
    }

    /**
     * {@link #read(String, int, long, int)} with a cap on memory: the read ends before the message that would take
     * its payloads past {@code maxBytes}, but always takes one message, however large.
     *
     * @param maxBytes at least 1
     */
    public List<Message> read(String topic, int partition, long afterOffset, int maxMessages, long maxBytes) {
        PartitionTable table = forRead(topic, partition, maxMessages, maxBytes);
        return table == null ? List.of() : table.read(afterOffset, maxMessages, maxBytes);
    }

    /**
     * Records that the group has processed every message up to and including {@code offset}. A lower offset than
     * the one committed is ignored (a late retry never rewinds progress).
     *
     * @param offset the offset of the last processed message, {@code 0..endOffset}
     * @throws InvalidOffsetException    where the offset is negative or beyond the partition's end
     * @throws UnknownTopicException     where the topic does not exist
     * @throws InvalidPartitionException where the partition is beyond the topic's count
     */
    public void commit(String group, String topic, int partition, long offset) {
        offsets.commit(group, new TopicPartition(topic, partition), offset);
    }

    /**
     * Commits the partition's end offset for the group where it has no commit there yet, and returns the group's
     * committed offset, in one transaction: where a new group starts with {@code autoOffsetReset=latest}. A commit
     * another member made first is kept, so two members starting together skip nothing the first one delivered.
     *
     * @throws UnknownTopicException where the topic does not exist
     */
    public long commitEndIfAbsent(String group, String topic, int partition) {
        return offsets.commitEndIfAbsent(group, new TopicPartition(topic, partition));
    }

    /**
     * Sets the group's committed offset to exactly {@code offset}, backwards too: the admin's reset. {@code 0}
     * replays the partition from the start; {@link #endOffset} skips everything written so far.
     */
    public void resetOffset(String group, String topic, int partition, long offset) {
        offsets.reset(group, new TopicPartition(topic, partition), offset);
    }

    /**
     * Sets the group's committed offsets on several partitions of one topic, backwards too, in one transaction: the
     * admin's reset, as {@code kafka-consumer-groups --reset-offsets --execute}. Refused while live members of the
     * group consume the topic (any of them, whatever partitions it holds: they would commit over the reset), unless
     * {@code force}: then the same transaction deletes the reset partitions' leases, so that a holder's next commit is
     * refused ({@link LeaseLostException}) and the member that takes the partition next, the old holder too, delivers
     * from the new offset. Each offset is checked as {@link #resetOffset} checks it, {@code 0..endOffset}: an offset
     * below the partition's {@link #startOffset} - 1 is allowed and delivers from the start offset, as a group whose
     * commits retention has overtaken does.
     *
     * @param committedOffsets by partition, the offset of the last message the group is to count as processed
     * @param force            whether to reset while live members consume the topic, revoking their leases
     * @return the committed offset each partition had before, by partition; 0 where the group had none there
     * @throws GroupNotEmptyException    where live members consume the topic with the group and not {@code force},
     *                                   naming them
     * @throws InvalidOffsetException    where an offset lies outside {@code 0..endOffset} of its partition
     * @throws InvalidPartitionException where a partition is beyond the topic's count
     * @throws UnknownTopicException     where the topic does not exist
     * @throws IllegalArgumentException  where no partition is given, or the group name is blank; in every case of a
     *                                   throw, nothing is written
     */
    public Map<Integer, Long> resetOffsets(String group, String topic, Map<Integer, Long> committedOffsets,
            boolean force) {
        return offsets.reset(group, topic, committedOffsets, force);
    }

    /** The group's committed offset on the partition, or empty where it has never committed there. */
    public OptionalLong committed(String group, String topic, int partition) {
        return offsets.committed(group, new TopicPartition(topic, partition));
    }

    /** Every group's committed offset per partition, with the partition's end offset and the lag. */
    public List<GroupOffset> groups() {
        return offsets.groups();
    }

    /**
     * Every partition a known group consumes, with its committed, start and end offsets, lag and holder, sorted by
     * group, topic and partition. A group is known by what the file holds about it: committed offsets, live members
     * (the partitions they hold, were given, or share), partition leases (expired ones too), and failed deliveries
     * not yet committed past; a partition it has never committed on shows with a null committed offset and the lag
     * of every stored message. All read in one read transaction, as {@link #topics()} is, so that each row's offsets
     * are those of one moment ({@code startOffset <= endOffset + 1}) and a topic another process drops meanwhile shows
     * whole or not at all. Reads only: two lookups by index per partition of the file, no scan of the messages.
     */
    public List<GroupPartition> groupPartitions() {
        long now = System.currentTimeMillis();
        return db.readTransaction(conn -> KnownGroups.of(ConsumerOffsets.committedIn(conn),
                GroupLeases.liveMembersIn(conn, now), GroupLeases.leasesIn(conn), DeliveryAttemptsTable.allIn(conn),
                topicsIn(conn)));
    }

    /** {@link #groupPartitions()} of one group; empty where the file knows nothing of it. */
    public List<GroupPartition> groupPartitions(String group) {
        validateGroup(group);
        return groupPartitions().stream().filter(row -> row.group().equals(group)).toList();
    }

    /**
     * The messages the group has still to process on the partition: those after its committed offset that are still
     * stored, every stored one where it has never committed there ({@link GroupPartition#lag()}). Two or three
     * lookups by index, for a gauge read at every scrape.
     */
    public long lag(String group, String topic, int partition) {
        long end = endOffset(topic, partition);
        OptionalLong committed = committed(group, topic, partition);
        if (committed.isPresent() && committed.getAsLong() >= end) {
            return 0;
        }
        return GroupPartition.lag(committed.isPresent() ? committed.getAsLong() : null,
                startOffset(topic, partition), end);
    }

    // ---------------------------------------------------------------- groups across processes

    /**
     * {@link #commit}, refused where {@code memberId} does not hold the partition's lease, checked in the commit's own
     * transaction (fencing: a member that paused past its session timeout cannot undo the new owner's progress).
     *
     * @throws LeaseLostException where the lease expired or another member holds it; nothing is written then
     */
    public void commit(String group, String topic, int partition, long offset, String memberId) {
        offsets.commit(group, new TopicPartition(topic, partition), offset, memberId);
    }

    /**
     * Records a heartbeat of a consumer instance of the group on the topic (registering it where new) and extends
     * its leases to now + {@code sessionTimeout}, in one transaction.
     *
     * @param description for people: host and process id
     * @param assigned    the partitions given to the member by hand, or empty where it takes its share
     * @return the partitions whose leases the member still holds; one that expired before this heartbeat is not
     *         among them, as another member may have taken it
     */
    public List<Integer> heartbeat(String group, String topic, String memberId, String description,
            List<Integer> assigned, Duration sessionTimeout) {
        return leases.heartbeat(group, topic, memberId, description, assigned, sessionTimeout);
    }

    /**
     * The group's members on the topic with a heartbeat within their session timeout, by member id, each with the
     * partitions it holds.
     */
    public List<Member> liveMembers(String group, String topic) {
        return leases.liveMembers(group, topic);
    }

    /**
     * Every live member of every group, by group, topic and member id, each with the partitions it holds: with
     * {@link #groups()}, who consumes what.
     */
    public List<Member> liveMembers() {
        return leases.liveMembers();
    }

    /**
     * Takes, or renews, the partition's lease for the member until now + {@code sessionTimeout}, where no other
     * member holds it unexpired; two members never both get it.
     *
     * @return whether the member holds the lease now
     */
    public boolean acquireLease(String group, String topic, int partition, String memberId, Duration sessionTimeout) {
        return leases.acquire(group, new TopicPartition(topic, partition), memberId, sessionTimeout);
    }

    /** Gives up the member's lease of the partition at once (a rebalance, after its last commit there). */
    public void releaseLease(String group, String topic, int partition, String memberId) {
        leases.release(group, new TopicPartition(topic, partition), memberId);
    }

    /** A member's clean stop: it and all its leases go at once, so others take its partitions without waiting. */
    public void leaveGroup(String group, String topic, String memberId) {
        leases.leave(group, topic, memberId);
    }

    /** The group's partition leases on the topic, expired ones included, by partition. */
    public List<PartitionLease> leases(String group, String topic) {
        return leases.leases(group, topic);
    }

    /**
     * Removes the group: its committed offsets on every partition, its counts of failed deliveries, its members and
     * leases, in one transaction. It then holds back no message that retention's {@code keepUnconsumed} would keep,
     * and no longer shows in {@link #groups()}. Refused while the group has live members (stop its consumers first;
     * a killed one counts until its session timeout has passed).
     *
     * @return how many partitions' committed offsets were removed; 0 where the group had none
     * @throws GroupNotEmptyException where the group has live members, naming them (an {@link IllegalStateException});
     *                                nothing is deleted then
     */
    public int deleteGroup(String group) {
        return offsets.delete(group);
    }

    // ---------------------------------------------------------------- failures

    /**
     * Records attempt number {@code attempt} of a message (or of the batch {@code firstOffset..lastOffset}) for a
     * group in the file's {@code klite_delivery_attempts} table, so that a restart or another process continues the
     * count: the count becomes at least {@code attempt} (recording an attempt as it starts, with
     * {@link #deliveryStarted}, and again as it fails counts it once), and the row's last error and latest failure
     * time become {@code error} and now. The row goes when the group commits past {@code firstOffset}.
     *
     * @param attempt 1 for the first delivery, n for the n-th
     * @param error   why it failed, on one line
     * @return the attempts counted now
     */
    public int deliveryAttempt(String group, String topic, int partition, long firstOffset, long lastOffset,
            int attempt, String error) {
        return attempts.attempted(group, new TopicPartition(topic, partition), firstOffset, lastOffset, attempt,
                error, false);
    }

    /**
     * Counts attempt number {@code attempt} as it starts, before it runs, as {@link #deliveryAttempt} counts one, so
     * that a process that stops during it (killed, crashed) still counts it: the count becomes at least
     * {@code attempt}. Nothing failed yet, so where the row exists its last error and the time of its latest failure
     * stay as they are; a new row takes {@code unfinished}.
     *
     * @param unfinished on one line, what the row means where the process stops during the attempt
     * @return the attempts counted now
     */
    public int deliveryStarted(String group, String topic, int partition, long firstOffset, long lastOffset,
            int attempt, String unfinished) {
        return attempts.attempted(group, new TopicPartition(topic, partition), firstOffset, lastOffset, attempt,
                unfinished, true);
    }

    /** The group's failed deliveries on the topic that it has not committed past, by partition and offset. */
    public List<DeliveryAttempts> deliveryAttempts(String group, String topic) {
        return attempts.ofTopic(group, TopicPartition.validateTopic(topic));
    }

    /** Every group's failed deliveries that it has not committed past: what is stuck, and why. */
    public List<DeliveryAttempts> deliveryAttempts() {
        return attempts.all();
    }

    /**
     * Writes a message (or a batch) that cannot be delivered to its dead-letter topic, and commits the group past it,
     * in one transaction: after a crash it is either still pending or dead-lettered, never both, never neither. Each
     * message keeps its payload and key and gets the {@link DeadLetter} headers; it goes to the same partition number
     * of the dead-letter topic where that exists, else to its key's partition, else to partition 0, and the topic is
     * created with 1 partition where missing. Messages the group has committed past already are left out.
     *
     * @return how many messages were written to the dead-letter topic
     * @throws IllegalArgumentException where the dead-letter topic is the topic itself or invalid, or the messages
     *                                  are not in offset order; nothing is written then
     */
    public int deadLetter(DeadLetter deadLetter) {
        return deadLetters.deadLetter(deadLetter, null);
    }

    /**
     * {@link #deadLetter(DeadLetter)}, refused where {@code memberId} does not hold the partition's lease, checked in
     * the same transaction (fencing, as for {@link #commit(String, String, int, long, String)}).
     *
     * @throws LeaseLostException where the lease expired or another member holds it; nothing is written then
     */
    public int deadLetter(DeadLetter deadLetter, String memberId) {
        return deadLetters.deadLetter(deadLetter, Objects.requireNonNull(memberId, "memberId"));
    }

    /**
     * Copies the dead letters of a dead-letter partition from {@code fromOffset} to {@code toOffset} back to the
     * topic and partition each came from (its {@link DeadLetter#ORIGINAL_TOPIC} and
     * {@link DeadLetter#ORIGINAL_PARTITION} headers), key, payload and headers kept (the dead-letter headers taken
     * off), and commits group {@value #REDRIVE_GROUP} on the dead-letter partition past them in the same transactions
     * (chunks of up to 500), so that no dead letter is redriven twice. Those redriven before are left out. An original
     * topic that does not exist is created, with enough partitions for every dead letter of the redrive that names it
     * (at least {@link LogOptions#defaultPartitionCount()}). Every dead letter of the range is checked before anything
     * is written, so a refusal writes nothing; those written to the partition after the check are left for the next
     * redrive.
     *
     * @throws IllegalArgumentException    where a dead letter before {@code fromOffset} has not been redriven (a redrive
     *                                     never skips one), or the range is not {@code 0 <= fromOffset <= toOffset};
     *                                     nothing is written then
     * @throws InvalidDeadLetterException  where a dead letter of the range cannot go back: it lacks the headers saying
     *                                     where it came from, or they name an invalid topic or a partition beyond the
     *                                     topic's count; the message names the first such; nothing is written then
     * @throws UnknownTopicException       where the topic does not exist
     * @throws RedriveFailedException      where a write fails after the check (the database cannot be used, the file
     *                                     changed meanwhile); it says what was redriven before, which stays redriven
     */
    public RedriveResult redrive(String deadLetterTopic, int partition, long fromOffset, long toOffset) {
        return deadLetters.redrive(deadLetterTopic, partition, fromOffset, toOffset);
    }

    /**
     * Redrives every dead letter not redriven yet, of every partition of the dead-letter topic, as {@link #redrive}
     * does; the dead letters of every partition are checked before anything is written, so a refusal writes nothing,
     * and the partitions are then redriven in order.
     *
     * @return what was redriven, partition by partition, every partition of the topic in order
     * @throws InvalidDeadLetterException where a dead letter of any partition cannot go back; nothing is written then
     * @throws UnknownTopicException      where the topic does not exist
     * @throws RedriveFailedException     where a write fails after the check, saying what was redriven before, in
     *                                    every partition
     */
    public List<RedriveResult> redriveAll(String deadLetterTopic) {
        return deadLetters.redriveAll(deadLetterTopic);
    }

    /** Closes the file's connections. Committed data is safe whether or not this runs. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "KliteLog[" + db.path() + "]";
    }

    // ---------------------------------------------------------------- internals

    /** The connections, for tests in this package that check what the writer connection runs with. */
    Database database() {
        return db;
    }

    /** The partition's table for a fetch or read of {@code maxMessages}, or null where it has no messages. */
    private PartitionTable forRead(String topic, int partition, int maxMessages, long maxBytes) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (maxMessages < 1) {
            throw new IllegalArgumentException("Invalid maxMessages " + maxMessages + ": must be at least 1");
        }
        Limits.maxBatchBytes("Invalid maxBytes for " + tp + ": ", maxBytes);
        return catalog.forRead(tp);
    }

    /**
     * Checks a consumer group name: any text that is not empty or blank.
     *
     * @return the name, for chaining
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String validateGroup(String group) {
        ConsumerOffsets.validateGroup(group);
        return group;
    }
}
