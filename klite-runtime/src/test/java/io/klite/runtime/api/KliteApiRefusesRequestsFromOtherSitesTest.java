package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.OffsetRows;
import io.klite.runtime.RunningKlite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page of another site cannot change anything through the service, and, while it is bound to loopback (the
 * default), cannot read through it either: a change with a foreign {@code Origin} or {@code Sec-Fetch-Site:
 * cross-site} is refused with 403 naming the Origin and writes nothing (a reset sent as a {@code no-cors} fetch of an
 * untyped Blob, a message as a plain form's text/plain, a redrive); any request whose {@code Host} is not a loopback
 * name (DNS rebinding) is refused with 403 naming it. The service's own pages (Origin of its own host and port),
 * clients that send no Origin (curl, scripts) and reads from anywhere work as before; bound to 0.0.0.0, the Host is
 * not checked but the Origin still is.
 */
class KliteApiRefusesRequestsFromOtherSitesTest {

    private static final String EVIL = "http://evil.example";
    /** What the reproduced attack posted: the body of a Blob without a type, so no Content-Type at all. */
    private static final String RESET = "{\"topic\":\"orders\",\"to\":\"earliest\",\"execute\":true,\"force\":true}";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    /** orders: partition 0 holds offsets 1..3; shipping committed 3; orders.dlq holds offset 2, dead-lettered. */
    private static void ordersWithAGroupAndADeadLetter(KliteLog file) {
        file.createTopic("orders", 1);
        file.sendBatch("orders", 0, List.of("a", "b", "c"));
        file.commit("shipping", "orders", 0, 3);
        file.deadLetter(new DeadLetter("billing", "orders", 0, file.read("orders", 0, 1, 1), "orders.dlq", 5,
                "java.io.IOException", "connection refused", Instant.now()));
    }

    @Test
    void aChangeFromAPageOfAnotherSiteIsRefusedAndWritesNothing() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ordersWithAGroupAndADeadLetter(klite.file());
            List<String> offsets = OffsetRows.of(klite.database());
            var before = FileSnapshot.of(klite.database());

            // the reproduced attack: fetch(..., {method: 'POST', mode: 'no-cors', body: new Blob([...])})
            HttpResponse<String> reset = send(klite, "POST", "/groups/shipping/reset", null, RESET,
                    Map.of("Origin", EVIL, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors"));
            assertRefused(reset, EVIL);
            assertThat(reset.body()).contains("only from its own pages").contains("clients that send no Origin");
            assertThat(OffsetRows.of(klite.database())).as("the file's consumer_offsets rows").isEqualTo(offsets);

            // a plain HTML form: text/plain needs no preflight either
            assertRefused(send(klite, "POST", "/topics/orders/messages", "text/plain", "written by another site",
                    Map.of("Origin", EVIL)), EVIL);
            assertRefused(send(klite, "POST", "/topics/new-topic/messages", "text/plain", "x",
                    Map.of("Origin", "null")), "null");
            assertRefused(send(klite, "POST", "/topics/orders.dlq/dead-letters/redrive", null, "{}",
                    Map.of("Origin", EVIL)), EVIL);
            // another port of this machine is another origin, and so is https on the same port
            String port = String.valueOf(URI.create(klite.api()).getPort());
            assertRefused(send(klite, "POST", "/topics/orders/messages", "text/plain", "x",
                    Map.of("Origin", "http://127.0.0.1:3000")), "http://127.0.0.1:3000");
            assertRefused(send(klite, "PUT", "/topics/orders/config", "application/json",
                    "{\"retention\":{\"messages\":1}}", Map.of("Origin", "http://localhost:" + port)),
                    "http://localhost:" + port);
            assertRefused(send(klite, "DELETE", "/groups/shipping", null, null, Map.of("Origin", EVIL)), EVIL);
            // a browser that sends no Origin but says where the request comes from
            HttpResponse<String> fetchMetadata = send(klite, "POST", "/topics/orders/messages", "text/plain", "x",
                    Map.of("Sec-Fetch-Site", "cross-site"));
            assertThat(fetchMetadata.statusCode()).isEqualTo(403);
            assertThat(fetchMetadata.body()).contains("Sec-Fetch-Site: cross-site");
            assertThat(send(klite, "POST", "/topics/orders/messages", "text/plain", "x",
                    Map.of("Sec-Fetch-Site", "same-site")).statusCode()).isEqualTo(403);

            assertThat(FileSnapshot.of(klite.database())).as("every table of the file").isEqualTo(before);
            assertThat(klite.file().endOffset("orders", 0)).isEqualTo(3);
            assertThat(klite.file().topics()).extracting(topic -> topic.topic()).doesNotContain("new-topic");
        }
    }

    @Test
    void theServicesOwnPagesAndClientsWithoutOriginChangeAsBefore() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ordersWithAGroupAndADeadLetter(klite.file());
            String self = klite.api();

            // the console's own requests: Chromium sends its Origin on a same-origin POST
            HttpResponse<String> reset = send(klite, "POST", "/groups/shipping/reset", "application/json", RESET,
                    Map.of("Origin", self, "Sec-Fetch-Site", "same-origin"));
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|0");
            assertThat(send(klite, "POST", "/topics/orders.dlq/dead-letters/redrive", "application/json", "{}",
                    Map.of("Origin", self)).statusCode()).isEqualTo(200);
            assertThat(klite.file().endOffset("orders", 0)).as("the dead letter back in orders").isEqualTo(4);
            // a page typed into the address bar, or a form of the page itself
            assertThat(send(klite, "POST", "/topics/orders/messages", "text/plain", "typed",
                    Map.of("Sec-Fetch-Site", "none")).statusCode()).isEqualTo(201);

            // curl, scripts: no Origin at all
            ApiClient api = new ApiClient(self);
            assertThat(api.post("/topics/orders/messages", "text/plain", "curl".getBytes(StandardCharsets.UTF_8))
                    .status()).isEqualTo(201);
            assertThat(api.post("/groups/shipping/reset", "{\"topic\":\"orders\",\"to\":\"latest\",\"execute\":true}")
                    .status()).isEqualTo(200);
            assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|6");
            assertThat(klite.file().endOffset("orders", 0)).isEqualTo(6);
            // the server's own answers are as they were
            assertThat(api.post("/no/such/path", "{}").status()).isEqualTo(404);
            assertThat(api.send("PATCH", "/topics").status()).isEqualTo(405);
        }
    }

    @Test
    void readsFromAPageOfAnotherSiteAnswerAsBefore() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ordersWithAGroupAndADeadLetter(klite.file());

            // a browser does not let the other site's page read the answer: the API sends no CORS header
            HttpResponse<String> topics = send(klite, "GET", "/topics", null, null,
                    Map.of("Origin", EVIL, "Sec-Fetch-Site", "cross-site"));
            assertThat(topics.statusCode()).isEqualTo(200);
            assertThat(topics.body()).contains("\"orders\"");
            assertThat(topics.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(send(klite, "HEAD", "/console", null, null, Map.of("Origin", EVIL)).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aRequestAddressedToAnotherNameThanLoopbackIsRefusedWhileBoundToLoopback() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ordersWithAGroupAndADeadLetter(klite.file());
            ApiClient api = new ApiClient(klite.api());
            String port = String.valueOf(URI.create(klite.api()).getPort());
            var before = FileSnapshot.of(klite.database());

            // a page of evil.example after its name was pointed at 127.0.0.1: same-origin with itself
            for (String host : List.of("evil.example", "evil.example:" + port, "klite.evil.example:" + port)) {
                for (String path : List.of("/topics", "/groups", "/console", "/observe/health", "/openapi.json")) {
                    ApiClient.Answer read = api.sendAsWritten("GET", path, Map.of("Host", host), null);
                    assertThat(read.status()).as("GET %s, Host %s", path, host).isEqualTo(403);
                    assertThat(read.contentType()).isEqualTo("application/json");
                    assertThat(read.json().get("error").asText()).contains("Host '" + host + "'")
                            .contains("DNS rebinding");
                }
                Map<String, String> sameOrigin = new LinkedHashMap<>();
                sameOrigin.put("Host", host);
                sameOrigin.put("Origin", "http://" + host);
                sameOrigin.put("Content-Type", "text/plain");
                assertThat(api.sendAsWritten("POST", "/topics/orders/messages", sameOrigin,
                        "rebound".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
                sameOrigin.put("Content-Type", "application/json");
                assertThat(api.sendAsWritten("POST", "/groups/shipping/reset", sameOrigin,
                        RESET.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
            }
            assertThat(FileSnapshot.of(klite.database())).as("every table of the file").isEqualTo(before);

            // the loopback names, with or without the port
            for (String host : List.of("localhost:" + port, "LOCALHOST", "127.0.0.1", "127.0.0.1:" + port,
                    "[::1]:" + port)) {
                assertThat(api.sendAsWritten("GET", "/topics", Map.of("Host", host), null).status())
                        .as("GET /topics, Host %s", host).isEqualTo(200);
            }
            Map<String, String> console = new LinkedHashMap<>();
            console.put("Host", "localhost:" + port);
            console.put("Origin", "http://localhost:" + port);
            console.put("Content-Type", "application/json");
            ApiClient.Answer reset = api.sendAsWritten("POST", "/groups/shipping/reset", console,
                    RESET.getBytes(StandardCharsets.UTF_8));
            assertThat(reset.status()).as("the console opened as http://localhost:%s", port).isEqualTo(200);
            assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|0");
        }
    }

    @Test
    void boundToEveryAddressTheHostIsNotCheckedButTheOriginIs() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of("camel.server.host", "0.0.0.0"))) {
            ordersWithAGroupAndADeadLetter(klite.file());
            ApiClient api = new ApiClient(klite.api());

            // the name a proxy in front passes on (nginx: proxy_set_header Host $host)
            assertThat(api.sendAsWritten("GET", "/topics", Map.of("Host", "klite.example"), null).status())
                    .isEqualTo(200);
            Map<String, String> proxied = new LinkedHashMap<>();
            proxied.put("Host", "klite.example");
            proxied.put("Origin", "https://klite.example");
            proxied.put("Content-Type", "text/plain");
            assertThat(api.sendAsWritten("POST", "/topics/orders/messages", proxied,
                    "through the proxy".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
            proxied.put("Origin", EVIL);
            ApiClient.Answer refused = api.sendAsWritten("POST", "/topics/orders/messages", proxied,
                    "x".getBytes(StandardCharsets.UTF_8));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("error").asText()).contains("Origin '" + EVIL + "'");
            assertThat(klite.file().endOffset("orders", 0)).isEqualTo(4);
        }
    }

    /** A request as a browser would send it: {@code contentType} and {@code body} where not null, and the headers. */
    private HttpResponse<String> send(RunningKlite klite, String method, String path, String contentType, String body,
            Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(klite.api() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> answer, String origin) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).startsWith("{\"error\":").contains("Origin '" + origin + "'");
    }
}
