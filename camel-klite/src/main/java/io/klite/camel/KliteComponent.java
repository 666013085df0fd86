package io.klite.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.LogOptions;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code klite:} component: topics, partitions and consumer groups in one SQLite file, with Kafka's model.
 * Every endpoint on one database file shares one open {@link KliteLog}, closed when the last of them stops.
 */
@Component("klite")
public class KliteComponent extends DefaultComponent {

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

    @Metadata(label = "advanced", autowired = true,
              description = "The Jackson ObjectMapper that turns bodies other than byte[], String and streams into"
                            + " JSON; by default the single ObjectMapper in the registry, else a plain one.")
    private ObjectMapper objectMapper;

    private final SharedLogs logs = new SharedLogs();
    private final ConsumerClaims claims = new ConsumerClaims();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        KliteConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setTopic(remaining);
        KliteEndpoint endpoint = new KliteEndpoint(uri, this, endpointConfiguration);
        setProperties(endpoint, parameters);
        endpointConfiguration.validate();
        return endpoint;
    }

    /** The open log of a database file, opened for its first user; give it back with {@link #releaseLog}. */
    public KliteLog acquireLog(String database) {
        return logs.acquire(database, new LogOptions(durability, Duration.ofMillis(busyTimeout),
                LogOptions.DEFAULTS.defaultPartitionCount()));
    }

    /** Gives back a log from {@link #acquireLog}; the last user's release closes it. */
    public void releaseLog(KliteLog log) {
        logs.release(log);
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
    }

    @Override
    protected void doStop() throws Exception {
        logs.closeAll();
        super.doStop();
    }

    public KliteConfiguration getConfiguration() {
        return configuration;
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
