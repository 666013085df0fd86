package io.klite.camel.metrics;

import io.klite.log.KliteLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * {@link KliteMeters} on a Micrometer {@link MeterRegistry}. Loaded only where Micrometer is on the classpath (see
 * {@link KliteMeters#of}). The meter names are Micrometer's, which its Prometheus registry writes as DESIGN §10 names
 * them: {@code klite.messages.produced} as {@code klite_messages_produced_total}, {@code klite.database} (bytes) as
 * {@code klite_database_bytes}, {@code klite.commit} (a timer) as {@code klite_commit_seconds}.
 */
final class MicrometerMeters implements KliteMeters {

    /** The bean name camel-micrometer looks for first, and binds the registry it makes under. */
    static final String REGISTRY_NAME = "metricsRegistry";

    private final MeterRegistry registry;

    private MicrometerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The meters of the context's registry as camel-micrometer finds it: a composite registry named
     * {@value #REGISTRY_NAME}, else the only composite one, else any registry of that name, else the only one;
     * {@link KliteMeters#NONE} where there is none (or several and none named).
     */
    static KliteMeters find(CamelContext context) {
        Registry beans = context.getRegistry();
        MeterRegistry found = find(beans, CompositeMeterRegistry.class);
        if (found == null) {
            found = find(beans, MeterRegistry.class);
        }
        return found == null ? NONE : new MicrometerMeters(found);
    }

    private static MeterRegistry find(Registry beans, Class<? extends MeterRegistry> type) {
        MeterRegistry named = beans.lookupByNameAndType(REGISTRY_NAME, type);
        if (named != null) {
            return named;
        }
        Set<? extends MeterRegistry> all = beans.findByType(type);
        return all != null && all.size() == 1 ? all.iterator().next() : null;
    }

    @Override
    public MeteredLog bind(KliteLog log) {
        return new MicrometerLog(registry, log);
    }
}
