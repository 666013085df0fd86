package io.klite.runtime.console;

import io.klite.runtime.worker.KliteSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;

/**
 * The web console: {@code GET /console} (and {@code /console/}) answers the page, {@code GET /console/console.js}
 * and {@code /console/console.css} its script and style, and {@code GET /} sends a browser to {@code /console/}. The
 * page talks only to the JSON API on the same server, so it shares the API's host and port (127.0.0.1 by default)
 * and needs nothing from the internet; {@code klite.console.enabled=false} leaves it out.
 *
 * <p>Invariants: the files are a fixed set read from the jar once, at start, so nothing of a request's path reaches
 * the class path; every answer carries a Content-Security-Policy that lets the page run only its own script and talk
 * only to its own server, so even a payload that slipped into the page as markup could not run a script.
 */
public final class ConsoleRoutes extends RouteBuilder {

    /**
     * Only this server's own script, style and API; no inline script, no frames, no forms posting elsewhere. Inline
     * images of {@code data:} only, for the page's icon.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The console's files, resources beside this class, by the name they are served under. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    @Override
    public void configure() {
        if (!getContext().getPropertiesComponent().resolveProperty("camel.server.enabled").map(Boolean::parseBoolean)
                .orElse(false) || !KliteSettings.consoleEnabled(getContext())) {
            return;
        }
        byte[] page = file("index.html");
        from("platform-http:/console?httpMethodRestrict=GET,HEAD").routeId("console")
                .process(exchange -> answer(exchange, page, FILES.get("index.html")));
        from("platform-http:/console/?httpMethodRestrict=GET,HEAD").routeId("console-slash")
                .process(exchange -> answer(exchange, page, FILES.get("index.html")));
        for (String name : new String[] {"console.js", "console.css"}) {
            byte[] content = file(name);
            from("platform-http:/console/" + name + "?httpMethodRestrict=GET,HEAD").routeId("console-" + name)
                    .process(exchange -> answer(exchange, content, FILES.get(name)));
        }
        from("platform-http:/?httpMethodRestrict=GET,HEAD").routeId("console-root")
                .process(ConsoleRoutes::redirect);
    }

    private static byte[] file(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The jar has no console file " + name + " beside "
                        + ConsoleRoutes.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers with the file as it is, none of the request's headers echoed back. */
    private static void answer(Exchange exchange, byte[] content, String contentType) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        // no Cache-Control (Camel's HTTP header filter drops it) and no Last-Modified: a browser never keeps a file
        // of an older jar
        message.setBody(content);
    }

    private static void redirect(Exchange exchange) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        message.setHeader("Location", "/console/");
        message.setBody(null);
    }
}
