package io.klite.runtime.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Keeps web pages of other sites away from the service. Invariants, for every request the HTTP server takes (the API,
 * the console, {@code /observe}), checked before any route sees it, so a refused request writes nothing:
 *
 * <ul>
 *   <li>a change (any method but GET, HEAD and OPTIONS) that a browser says comes from another origin is refused with
 *       403: an {@code Origin} header whose host and port are not those of the request's {@code Host} (a missing
 *       port is the default of the Origin's scheme, so a proxy that ends TLS and keeps the {@code Host} still
 *       works), or {@code Sec-Fetch-Site: cross-site} or {@code same-site} (another port or subdomain). A client
 *       that sends neither (curl, Java, Python) is not affected, and neither is a read;</li>
 *   <li>while the server is bound to a loopback address ({@code camel.server.host} 127.0.0.1, localhost or ::1), a
 *       request whose {@code Host} is not a loopback name (localhost, 127.0.0.1, [::1], with any port) is refused
 *       with 403, reads too: a page whose own name an attacker points at 127.0.0.1 (DNS rebinding) is same-origin
 *       with itself, not with Klite. Bound to another address, the Host is not checked: a proxy in front must then
 *       pass the browser's Host on (nginx {@code proxy_set_header Host $host}), so that Origin and Host agree.</li>
 * </ul>
 *
 * Without this, a page of any site the user opens could reset a group or redrive dead letters with a {@code no-cors}
 * fetch of a body without a type (taken as JSON), or write messages with a plain HTML form (text/plain): neither
 * needs a CORS preflight. The answers are the API's error JSON ({@link ServerErrorAnswers#answer}).
 *
 * <p>It is a handler of the top Vert.x router of each of Camel's platform-http servers (the routes' router and
 * {@code /observe} hang below it), ordered before everything else, installed once the servers have started and before
 * the routes take requests (Camel calls {@link #onCamelContextStarted} before it starts the routes' consumers).
 */
final class CrossSiteGuard implements StartupListener {

    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String INSTALLED = CrossSiteGuard.class.getName();

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            if (server.getServer() != null && server.getServer().requestHandler() instanceof Router router
                && !router.metadata().containsKey(INSTALLED)) {
                router.putMetadata(INSTALLED, true);
                boolean loopback = isLoopback(server.getHost());
                // order() before handler(): Vert.x sorts a route by its order when its first handler is set
                router.route().order(Integer.MIN_VALUE).handler(request -> check(request, loopback));
            }
        }
    }

    private static void check(RoutingContext context, boolean boundToLoopback) {
        HttpServerRequest request = context.request();
        HostAndPort host = request.authority();
        String refusal = null;
        if (boundToLoopback && host != null && !isLoopbackName(host.host())) {
            refusal = "Refused " + request.method() + " " + request.path() + " addressed to Host '" + hostText(host)
                      + "': the service is bound to a loopback address and answers only requests addressed to"
                      + " localhost, 127.0.0.1 or [::1], so that a web page whose name leads to this machine (DNS"
                      + " rebinding) cannot use it; open it as http://127.0.0.1:<port>, or bind camel.server.host to"
                      + " the address clients use";
        } else if (!READS.contains(request.method())) {
            String origin = request.getHeader("Origin");
            String site = request.getHeader("Sec-Fetch-Site");
            if (origin != null && !sameOrigin(origin, host)) {
                refusal = "Refused " + request.method() + " " + request.path() + " from Origin '" + origin
                          + "': the API takes changes only from its own pages (Origin "
                          + (host == null ? "of the Host the request names" : "http://" + hostText(host))
                          + ") or from clients that send no Origin (curl, scripts); a page of another site cannot"
                          + " change data here";
            } else if (site != null && Set.of("cross-site", "same-site").contains(site.toLowerCase(Locale.ROOT))) {
                refusal = "Refused " + request.method() + " " + request.path() + " sent by a page of another origin"
                          + " (Sec-Fetch-Site: " + site + "): the API takes changes only from its own pages or from"
                          + " clients that send no Origin (curl, scripts)";
            }
        }
        if (refusal == null) {
            context.next();
        } else {
            String error = refusal;
            ServerErrorAnswers.answer(403, refused -> error).handle(context);
        }
    }

    /** Whether {@code origin} (scheme://host[:port]) names the host and port of the request's Host. */
    private static boolean sameOrigin(String origin, HostAndPort host) {
        if (host == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false; // such as "null", from a sandboxed frame or a file
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        int hostPort = host.port() < 0 ? defaultPort : host.port();
        return bare(uri.getHost()).equals(bare(host.host())) && originPort == hostPort;
    }

    /** A host name in lower case, an IPv6 address without its brackets. */
    private static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    private static String hostText(HostAndPort host) {
        return host.host() + (host.port() < 0 ? "" : ":" + host.port());
    }

    /** Whether the server's bind address is loopback: localhost or a loopback IP address (no name is looked up). */
    static boolean isLoopback(String bindHost) {
        return bindHost != null && isLoopbackName(bindHost);
    }

    /** Whether a Host's name is localhost or a loopback IP address, written as such (nothing is looked up). */
    private static boolean isLoopbackName(String host) {
        String name = bare(host);
        if (name.equals("localhost")) {
            return true;
        }
        if (!IPV4.matcher(name).matches() && !name.contains(":")) {
            return false; // a name: not looked up, never loopback
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress(); // a literal address: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
