package io.klite.runtime;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * The Klite service in the test's JVM: {@link KliteMain} with its bundled properties, on a database file in a temp
 * folder and the HTTP API on a free port of 127.0.0.1, plus any properties the test gives.
 */
public final class RunningKlite implements AutoCloseable {

    private final KliteMain main = new KliteMain();
    private final Path database;
    private KliteLog file;

    private RunningKlite(Path folder, Map<String, String> properties) {
        database = folder.resolve("klite.db");
        Map<String, String> all = new HashMap<>();
        all.put("camel.component.klite.database", database.toString());
        all.put("camel.server.port", "0");
        all.putAll(properties);
        all.forEach(main::addOverrideProperty);
    }

    public static RunningKlite start(Path folder, Map<String, String> properties) throws Exception {
        RunningKlite klite = new RunningKlite(folder, properties);
        try {
            klite.main.start();
        } catch (Exception | Error e) {
            klite.main.stop();
            throw e;
        }
        return klite;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The API's base URL, such as {@code http://127.0.0.1:40123}. */
    public String api() {
        VertxPlatformHttpServer server = context().hasService(VertxPlatformHttpServer.class);
        return "http://127.0.0.1:" + server.getServer().actualPort();
    }

    public Path database() {
        return database;
    }

    /** A second handle on the service's database file, as another program would open it. */
    public KliteLog file() {
        if (file == null) {
            file = KliteLog.open(database);
        }
        return file;
    }

    @Override
    public void close() throws Exception {
        main.stop();
        if (file != null) {
            file.close();
        }
    }
}
