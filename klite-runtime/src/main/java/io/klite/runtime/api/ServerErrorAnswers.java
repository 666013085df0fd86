package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's own answers, the ones no route gives. Invariants: every such answer is JSON
 * {@code {"error": "..."}} with {@code Content-Type: application/json}, like every answer of the API; a client's
 * mistake is logged at DEBUG only, never at ERROR and never with a stack trace. The answers: 404 for an unknown path,
 * 405 for a method a known path does not take, 413 for a body over the server's limit, 400 for a query string that is
 * not valid URL encoding; and 500, logged at ERROR, for a failure of the server itself.
 *
 * <p>They are error handlers of the Vert.x routers of Camel's platform-http server, set once the server has started,
 * before the routes take requests: of the top router, the HTTP server's request handler, which answers what its
 * sub-router (the routes' router) does not match or lets fail; and of the routes' routers, which answer a failure in
 * matching their routes, such as decoding the query.
 */
final class ServerErrorAnswers implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(ServerErrorAnswers.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATHS = "the API has POST /topics/{topic}/messages, POST /topics/{topic}/batch,"
                                        + " GET /topics, GET, PUT and DELETE /topics/{topic},"
                                        + " GET and PUT /topics/{topic}/config,"
                                        + " GET /topics/{topic}/partitions/{partition}/messages,"
                                        + " GET /topics/{topic}/dead-letters, POST /topics/{topic}/dead-letters/redrive,"
                                        + " GET /groups, GET and DELETE /groups/{group}, POST /groups/{group}/reset,"
                                        + " GET /stuck-partitions and GET /observe/health, all described by"
                                        + " GET /openapi.json";

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null || server.getServer() == null
            || !(server.getServer().requestHandler() instanceof Router router)) {
            return; // no HTTP server
        }
        answerOn(router, server.getMaxBodySize());
        // a failure while the routes' router matches (such as decoding the query) is its own to answer
        for (VertxPlatformHttpRouter routes : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            answerOn(routes, server.getMaxBodySize());
        }
    }

    private static void answerOn(Router router, Long maxBodySize) {
        router.errorHandler(404, answer(404, request -> "No such path: " + request.request().path() + "; " + PATHS));
        router.errorHandler(405, answer(405, request -> "Method " + request.request().method() + " is not allowed on "
                + request.request().path() + "; " + PATHS));
        router.errorHandler(413, answer(413, request -> "The request body is over the API's limit, "
                + MaxBodySize.SETTING + (maxBodySize == null ? "" : " = " + MaxBodySize.text(maxBodySize) + " ("
                + maxBodySize + " bytes)") + "; send fewer or smaller messages, or raise the limit"));
        Handler<RoutingContext> badRequest = answer(400, ServerErrorAnswers::badRequest);
        router.errorHandler(400, badRequest);
        // Vert.x decodes the query while it matches the routes, and fails with a plain 500 where it cannot: that
        // failure (a decoding error) is the client's; any other failure is the server's, whatever the query
        router.errorHandler(500, request -> {
            if (isBadQuery(request.request().query()) && (request.failure() == null
                    || request.failure() instanceof IllegalArgumentException)) {
                badRequest.handle(request);
            } else {
                LOG.error("{} {} failed", request.request().method(), request.request().path(), request.failure());
                answer(500, failed -> "Klite could not answer: " + reason(failed.failure())).handle(request);
            }
        });
    }

    private static String badRequest(RoutingContext request) {
        return isBadQuery(request.request().query())
                ? "Bad request: the query string is not valid URL encoding; write a % in a value as %25"
                : "Bad request: " + reason(request.failure());
    }

    private static boolean isBadQuery(String query) {
        try {
            URLDecoder.decode(query == null ? "" : query, StandardCharsets.UTF_8);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** A handler that answers {@code status} with the JSON error {@code message} gives for the request. */
    static Handler<RoutingContext> answer(int status, Function<RoutingContext, String> message) {
        return request -> {
            String error = message.apply(request);
            LOG.debug("{} {} answered {}: {}", request.request().method(), request.request().path(), status, error,
                    request.failure());
            if (request.response().ended() || request.response().closed()) {
                return;
            }
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(Map.of("error", error));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the answer as JSON", e);
            }
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(io.vertx.core.buffer.Buffer.buffer(body));
        };
    }

    /** The failure's message with its cause's, such as a query string's bad {@code %} escape. */
    private static String reason(Throwable failure) {
        if (failure == null) {
            return "the request cannot be read";
        }
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure.getCause() != null && failure.getCause().getMessage() != null
            && !reason.contains(failure.getCause().getMessage())) {
            reason += " (" + failure.getCause().getMessage() + ")";
        }
        return reason;
    }
}
