package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of component tests: a Camel context whose {@code klite} component defaults to a fresh {@code klite.db} in a
 * temporary folder, and a second handle on that file ({@link #file()}), as another program would have, to check
 * what the routes wrote and committed.
 */
abstract class KliteCamelTestSupport extends CamelTestSupport {

    @TempDir
    Path dir;
    private KliteLog file;
    private CamelContext restarted;

    Path db() {
        return dir.resolve("klite.db");
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        configureKlite(context);
        return context;
    }

    private void configureKlite(CamelContext context) {
        context.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(db().toString());
    }

    /**
     * Stops the running context (the test's, or the one the last restart started) and starts the same routes in a new
     * one on the same file, as a restarted application would.
     */
    CamelContext restart() throws Exception {
        (restarted != null ? restarted : context).stop();
        restarted = new DefaultCamelContext();
        configureKlite(restarted);
        restarted.addRoutes(createRouteBuilder());
        restarted.start();
        return restarted;
    }

    /** Sends the body "payload" with the headers, and checks that the send succeeded. */
    Exchange sendPayload(String uri, Map<String, Object> headers) {
        Exchange sent = template.send(uri, e -> {
            e.getMessage().setBody("payload");
            e.getMessage().getHeaders().putAll(headers);
        });
        assertThat(sent.getException()).as("the send to " + uri).isNull();
        return sent;
    }

    /** The database file, opened on its own connections. */
    KliteLog file() {
        if (file == null) {
            file = KliteLog.open(db());
        }
        return file;
    }

    /** Closes the test's own handle on the file, so that only the routes' connections remain. */
    void closeFile() {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    @AfterEach
    void stopRestartedContextAndCloseFile() {
        if (restarted != null) {
            restarted.stop();
        }
        closeFile();
    }
}
