package io.klite.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service serves its web console on the API's port: the page at {@code /console} and {@code /console/}, its
 * script and style, {@code /} sends a browser to it, each with a Content-Security-Policy that runs only the console's
 * own script; {@code klite.console.enabled=false} leaves it out and a value other than true or false stops the start.
 * What the page does in a browser is the {@code KliteConsole*Test}s'.
 */
class KliteRuntimeServesTheConsoleTest {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    @Test
    void servesThePageItsScriptAndItsStyleWithAPolicyThatRunsOnlyThem() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            for (String path : List.of("/console", "/console/")) {
                HttpResponse<String> page = get(klite, path);
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(page.body()).contains("<script src=\"/console/console.js\" defer></script>")
                        .contains("<link rel=\"stylesheet\" href=\"/console/console.css\">")
                        .doesNotContain("http://", "https://");
                assertSecurityHeaders(page);
            }
            HttpResponse<String> script = get(klite, "/console/console.js");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(script.body()).contains("'use strict';").doesNotContain("innerHTML", "eval(", "http://");
            assertSecurityHeaders(script);
            HttpResponse<String> style = get(klite, "/console/console.css");
            assertThat(style.statusCode()).isEqualTo(200);
            assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
            assertThat(style.body()).doesNotContain("@import", "url(");
            assertSecurityHeaders(style);
        }
    }

    @Test
    void theRootSendsABrowserToTheConsole() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            HttpResponse<String> root = get(klite, "/");
            assertThat(root.statusCode()).isEqualTo(302);
            assertThat(root.headers().firstValue("Location")).hasValue("/console/");
        }
    }

    @Test
    void answersNothingElseUnderConsole() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            for (String path : List.of("/console/index.html.bak", "/console/../openapi.json.x", "/console/x/console.js",
                    "/console/%2e%2e/application.properties", "/console/ConsoleRoutes.class")) {
                assertThat(get(klite, path).statusCode()).as(path).isEqualTo(404);
            }
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(klite.api() + "/console"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void isLeftOutWhereDisabledWhileTheApiAnswers() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.console.enabled", "false"))) {
            assertThat(get(klite, "/console").statusCode()).isEqualTo(404);
            assertThat(get(klite, "/console/console.js").statusCode()).isEqualTo(404);
            assertThat(get(klite, "/").statusCode()).isEqualTo(404);
            assertThat(get(klite, "/topics").statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"yes", "TRUE", "0", ""})
    void aValueOtherThanTrueOrFalseStopsTheStart(String value) throws Exception {
        int[] exit = new int[1];
        List<String> lines = StandardError.linesDuring(() -> exit[0] = new KliteMain().run(new String[] {
            "--camel.component.klite.database=" + dir.resolve("klite.db"), "--camel.server.port=0",
            "--klite.console.enabled=" + value, "-duration", "1"}));

        assertThat(exit[0]).isEqualTo(1);
        assertThat(lines).filteredOn(line -> line.contains("Klite cannot start")).singleElement().asString()
                .endsWith("Klite cannot start: klite.console.enabled: '" + value + "' is not allowed; use true"
                          + " (serve the web console at /console, the default) or false");
    }

    @Test
    void theEnvironmentVariableIsTheSetting() {
        assertThat(KliteMain.environmentSettings(Map.of("KLITE_CONSOLE_ENABLED", "false")))
                .containsExactly(Map.entry("klite.console.enabled", "false"));
    }

    private static void assertSecurityHeaders(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none';"
                + " script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none';"
                + " form-action 'none'; frame-ancestors 'none'");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    private HttpResponse<String> get(RunningKlite klite, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(klite.api() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
