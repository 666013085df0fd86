package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * A consumer's health as Camel's {@code /observe/health} reads it: the {@code consumer:<routeId>} result that
 * {@link HealthCheckHelper} gets from the context's health check registry, through Camel's {@code consumers}
 * repository, which camel-main adds (camel.health.consumersEnabled) and a plain context gets here.
 */
final class ConsumerHealth {

    /** Every check, UP or not (Camel's default level lists only what is DOWN). */
    private static final String FULL = "full";

    private ConsumerHealth() {
    }

    /** The readiness result of the route's consumer check. */
    static HealthCheck.Result readiness(CamelContext context, String routeId) {
        HealthCheck.Result found = find(c -> HealthCheckHelper.invokeReadiness(c, FULL), context, routeId);
        assertThat(found).as("the readiness check consumer:%s", routeId).isNotNull();
        return found;
    }

    /** The state of the route's consumer check in liveness: UP where Camel leaves it out of liveness. */
    static HealthCheck.State liveness(CamelContext context, String routeId) {
        HealthCheck.Result found = find(c -> HealthCheckHelper.invokeLiveness(c, FULL), context, routeId);
        return found == null ? HealthCheck.State.UP : found.getState();
    }

    /** The result of the route's consumer check in the overall health. */
    static HealthCheck.Result overall(CamelContext context, String routeId) {
        HealthCheck.Result found = find(c -> HealthCheckHelper.invoke(c, FULL), context, routeId);
        assertThat(found).as("the check consumer:%s", routeId).isNotNull();
        return found;
    }

    /** A detail of a result, as text. */
    static String detail(HealthCheck.Result result, String key) {
        Map<String, Object> details = result.getDetails();
        return details.containsKey(key) ? String.valueOf(details.get(key)) : null;
    }

    private static HealthCheck.Result find(Function<CamelContext, Collection<HealthCheck.Result>> invoke,
                                             CamelContext context, String routeId) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry.getRepository("consumers").isEmpty()) {
            registry.register(registry.resolveById("consumers"));
        }
        String id = "consumer:" + routeId;
        Collection<HealthCheck.Result> results = invoke.apply(context);
        return results.stream().filter(r -> r.getCheck().getId().equals(id)).findFirst().orElse(null);
    }
}
