package io.klite.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.camel.consumer.ConsumerMeters;
import io.klite.camel.metrics.KliteMeters;
import io.klite.camel.metrics.MeteredLog;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.LogOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.camel.Endpoint;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code klite:} component: topics, partitions and consumer groups in one SQLite file, with Kafka's model.
 * Invariants: at most one open {@link KliteLog} per database file, shared by every endpoint on it and by every
 * {@link #acquireLog} user, and closed when the last of them gives it back (or the component stops); at most one
 * running consumer per group and partition of a file. Health: {@code klite/database} ({@link KliteDatabaseHealthCheck}),
 * and each consumer's {@code consumer:<routeId>} ({@link KliteConsumerHealthCheck}), which
 * {@code healthCheckConsumerEnabled} turns off.
 */
@Component("klite")
public class KliteComponent extends HealthCheckComponent {

    /** How often the lag gauges follow the file's known groups: a group deleted elsewhere, a partition added. */
    private static final Duration DEFAULT_LAG_REFRESH_INTERVAL = Duration.ofSeconds(5);

    @Metadata(description = "The options every endpoint starts from (camel.component.klite.database=... and so on);"
                            + " an endpoint's URI overrides them.")
    private KliteConfiguration configuration = new KliteConfiguration();

    @Metadata(label = "advanced", defaultValue = "NORMAL", enums = "NORMAL,FULL",
              description = "NORMAL: a write survives the process being killed (SQLite's synchronous=NORMAL in WAL"
                            + " mode). FULL: also a power loss, at the cost of an fsync per transaction. Applies to the"
                            + " database files this component opens.")
    private Durability durability = Durability.NORMAL;

    @Metadata(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How long a statement waits for another process's lock on the database file before it"
                            + " fails, in milliseconds (or a duration such as 30s).")
    private long busyTimeout = Limits.DEFAULT_BUSY_TIMEOUT.toMillis();

    @Metadata(label = "advanced", defaultValue = "60000", javaType = "java.time.Duration",
              description = "How often each open database file's retention cleaner deletes what topic settings no"
                            + " longer keep (KliteLog.configureTopic), in milliseconds or a duration such as 1m; 0: no"
                            + " cleaner in this component. One cleaner per file per component (Camel context); several"
                            + " cleaners on one file, in this process or others, are safe.")
    private long retentionCheckInterval = Limits.DEFAULT_RETENTION_CHECK_INTERVAL.toMillis();

    @Metadata(label = "advanced", autowired = true,
              description = "The Jackson ObjectMapper that turns bodies other than byte[], String and streams into"
                            + " JSON; by default the single ObjectMapper in the registry, else a plain one.")
    private ObjectMapper objectMapper;

    private final SharedLogs logs = new SharedLogs(this::whileOpen);
    private final KliteDatabaseHealthCheck databaseCheck = new KliteDatabaseHealthCheck(logs::openLogs);
    private final ConsumerClaims claims = new ConsumerClaims();
    /** The meters of each open log, from its opening to its closing. */
    private final Map<KliteLog, MeteredLog> metered = new ConcurrentHashMap<>();
    private Duration lagRefreshInterval = DEFAULT_LAG_REFRESH_INTERVAL;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        KliteConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setTopic(remaining);
        KliteEndpoint endpoint = new KliteEndpoint(uri, this, endpointConfiguration);
        setProperties(endpoint, parameters);
        endpointConfiguration.validate();
        return endpoint;
    }

    /**
     * The log of a database file, shared: the contract by which endpoints and other users in this JVM (the runtime's
     * HTTP API and worker set-up, a user's own code) reach a file. The component opens a file's log for its first
     * user and closes it when the last one gives it back; every endpoint on the same file (by absolute, normalized
     * path) works on this same log, with the component's {@code durability} and {@code busyTimeout}. So: every
     * acquire must be matched by one {@link #releaseLog} (in a {@code finally}, or a service's stop), the caller never
     * closes the log itself, and does not use it after its release. Stopping the component closes every log it still
     * has open. For a short piece of work, {@link #withLog} does the pairing.
     *
     * @param database the path of the SQLite file, as in the {@code database} option
     */
    public KliteLog acquireLog(String database) {
        return logs.acquire(database, new LogOptions(durability, Duration.ofMillis(busyTimeout),
                LogOptions.DEFAULTS.defaultPartitionCount()));
    }

    /** Gives back one {@link #acquireLog} of the log; the last user's release closes it. */
    public void releaseLog(KliteLog log) {
        logs.release(log);
    }

    /**
     * Runs {@code work} on the shared log of a database file, acquired for it and released after it, also where it
     * throws (see {@link #acquireLog} for the sharing rule).
     *
     * @return what {@code work} returned
     */
    public <T> T withLog(String database, Function<KliteLog, T> work) {
        KliteLog log = acquireLog(database);
        try {
            return work.apply(log);
        } finally {
            releaseLog(log);
        }
    }

    /**
     * Starts what runs while a log is open: its meters where the Camel context has a meter registry
     * ({@link KliteMeters}), and its chores ({@link LogChores}: the retention cleaner, the lag gauges' refresh).
     *
     * @return what stops them, the chores first
     */
    private Runnable whileOpen(KliteLog log) {
        MeteredLog meters = KliteMeters.of(getCamelContext()).bind(log);
        Runnable chores;
        try {
            chores = LogChores.start(this, log, retentionCheckInterval, meters, lagRefreshInterval);
        } catch (RuntimeException e) {
            meters.close();
            throw e;
        }
        metered.put(log, meters);
        return () -> {
            try {
                chores.run();
            } finally {
                metered.remove(log, meters);
                meters.close();
            }
        };
    }

    /**
     * The meters of a consumer of the group on the log, where the log is metered (its Camel context had a meter
     * registry when it opened); else {@link ConsumerMeters#NONE}.
     */
    ConsumerMeters consumerMeters(KliteLog log, KliteConfiguration consumer) {
        return metered.getOrDefault(log, MeteredLog.NONE).consumer(consumer.getGroup(), consumer.getTopic());
    }

    /** How often the lag gauges of each metered log are brought in line with the file's known groups (tests: less). */
    void setLagRefreshInterval(Duration lagRefreshInterval) {
        this.lagRefreshInterval = lagRefreshInterval;
    }

    /** Holds a consumer's partitions of the group, refusing a second consumer of the same ones. */
    ConsumerClaims.Claim claimPartitions(KliteLog log, KliteConfiguration consumer, String endpointUri) {
        return claims.claim(log.path(), consumer.getGroup(), consumer.getTopic(), consumer.partitions(), endpointUri);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (objectMapper == null) {
            objectMapper = new ObjectMapper().findAndRegisterModules();
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
        if (health != null) {
            health.register(databaseCheck);
        }
    }

    @Override
    protected void doStop() throws Exception {
        HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
        if (health != null) {
            health.unregister(databaseCheck);
        }
        logs.closeAll();
        super.doStop();
    }

    public KliteConfiguration getConfiguration() {
        return configuration;
    }

    public long getRetentionCheckInterval() {
        return retentionCheckInterval;
    }

    /**
     * @throws IllegalArgumentException where the interval is negative
     */
    public void setRetentionCheckInterval(long retentionCheckInterval) {
        if (retentionCheckInterval < 0) {
            throw new IllegalArgumentException("Invalid retentionCheckInterval " + retentionCheckInterval
                    + " ms: 0 (no cleaner) or more milliseconds");
        }
        this.retentionCheckInterval = retentionCheckInterval;
    }

    public void setConfiguration(KliteConfiguration configuration) {
        this.configuration = configuration;
    }

    public Durability getDurability() {
        return durability;
    }

    public void setDurability(Durability durability) {
        this.durability = durability;
    }

    public long getBusyTimeout() {
        return busyTimeout;
    }

    public void setBusyTimeout(long busyTimeout) {
        this.busyTimeout = busyTimeout;
    }

    public ObjectMapper getObjectMapper() {
        return objectMapper;
    }

    public void setObjectMapper(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }
}
