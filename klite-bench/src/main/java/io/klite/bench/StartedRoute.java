package io.klite.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The route a consumer benchmark's invocation started, removed after it, untimed. It waits first for the last exchange
 * to leave Camel's inflight count: a route stopped with one still counted is stopped only after Camel's shutdown
 * strategy has slept for a second, which would leave fewer invocations per iteration.
 */
@State(Scope.Benchmark)
public class StartedRoute {

    CamelContext camel;
    String routeId;

    @TearDown(Level.Invocation)
    public void remove() throws Exception {
        if (routeId != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (camel.getInflightRepository().size(routeId) > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
            routeId = null;
        }
    }
}
