package io.klite.runtime;

import io.klite.camel.KliteComponent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start when the HTTP server's port is taken (Camel alone would log it and run on without the API), and
 * says in one line where the service is once it runs.
 */
final class StartupCheck extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);

    @Override
    public void beforeStart(BaseMainSupport main) {
        MainHttpServer server = main.getCamelContext().hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        String port = main.getCamelContext().getPropertiesComponent().resolveProperty("camel.server.port").orElse("0")
                .strip();
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65_535) {
            // Camel would bind a random port instead
            throw new IllegalStateException("camel.server.port: '" + port + "' is not a port; use 0 to 65535");
        }
        if (server.getPort() == 0) {
            return;
        }
        // Vert.x binds later, on its own thread, and only logs a failure, so the address is tried first. Another
        // program could still take the port in between; Vert.x would then log the failure.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(server.getHost(), server.getPort()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + server.getHost() + ":" + server.getPort() + " ("
                    + e.getMessage() + "): choose another port with camel.server.port (or address with"
                    + " camel.server.host)", e);
        }
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String database = context.getComponent("klite", KliteComponent.class).getConfiguration().getDatabase();
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null || server.getServer() == null) {
            LOG.info("Klite is running without its HTTP API (camel.server.enabled=false); database {}", database);
            return;
        }
        String url = "http://" + server.getHost() + ":" + server.getServer().actualPort();
        LOG.info("Klite is running: API {}/topics, health {}/observe/health, database {}", url, url, database);
    }
}
