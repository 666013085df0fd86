package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.RunningKlite;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /openapi.json} answers a valid OpenAPI 3.0 document that lists exactly the paths and methods the server
 * routes, plus Camel's {@code /observe/health}, with every error answer as the shared {@code Error} JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiDescribesItselfInOpenApiTest {

    private static final String HEALTH = "GET /observe/health";

    RunningKlite klite;
    HttpResponse<String> served;
    SwaggerParseResult parsed;
    OpenAPI document;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(klite.api() + "/openapi.json"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        document = parsed.getOpenAPI();
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void theDocumentIsServedAsJson() {
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void theDocumentIsValidOpenApi30ForVersion1OfTheApiOnTheDefaultAddress() {
        assertThat(parsed.getMessages()).as("swagger-parser's messages on /openapi.json").isEmpty();
        assertThat(document).isNotNull();
        assertThat(document.getOpenapi()).startsWith("3.0.");
        assertThat(document.getInfo().getVersion()).isEqualTo("1");
        assertThat(document.getServers()).extracting(server -> server.getUrl()).containsExactly("http://127.0.0.1:8080");
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheServerAnswers() {
        Map<String, String> documented = documentedOperations();
        Map<String, String> routed = routedOperations();
        assertThat(documented.values()).as("the document describes Camel's health endpoint").contains(HEALTH);
        documented.values().remove(HEALTH);

        Set<String> notRouted = new TreeSet<>();
        documented.forEach((shape, operation) -> {
            if (!routed.containsKey(shape)) {
                notRouted.add(operation);
            }
        });
        Set<String> notDocumented = new TreeSet<>();
        routed.forEach((shape, operation) -> {
            if (!documented.containsKey(shape)) {
                notDocumented.add(operation);
            }
        });
        assertThat(notRouted.isEmpty() && notDocumented.isEmpty()).withFailMessage("in /openapi.json but not routed"
                + " by the server: %s; routed by the server but not in /openapi.json: %s", notRouted, notDocumented)
                .isTrue();
    }

    @Test
    void everyOperationHasAnIdAndEveryErrorAnswerIsTheErrorJson() {
        List<String> wrong = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String where = method + " " + path;
            if (operation.getOperationId() == null || !ids.add(operation.getOperationId())) {
                wrong.add(where + ": no operationId, or one used twice");
            }
            if (operation.getResponses() == null || operation.getResponses().isEmpty()) {
                wrong.add(where + ": no answers");
                return;
            }
            operation.getResponses().forEach((status, response) -> {
                if (!where.equals(HEALTH) && status.compareTo("400") >= 0 && !isError(resolve(response))) {
                    wrong.add(where + " " + status + ": not application/json with the Error schema");
                }
            });
        }));

        assertThat(wrong).isEmpty();
    }

    /**
     * Each path and method of the document, such as {@code GET /topics/{topic}}, by its shape without the path
     * parameters' names, {@code GET /topics/{}}.
     */
    private Map<String, String> documentedOperations() {
        Map<String, String> operations = new TreeMap<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operations.put(method.name() + " " + withoutParameterNames(path), method.name() + " " + path)));
        return operations;
    }

    /**
     * The same for each platform-http route of the running service: its endpoint's path, in Camel's syntax
     * ({@code /topics/{topic}}, as OpenAPI's), with each method of its {@code httpMethodRestrict}; the console's
     * routes left out.
     */
    private Map<String, String> routedOperations() {
        Map<String, String> operations = new TreeMap<>();
        for (Route route : klite.context().getRoutes()) {
            // the web console's page and files are not the API (ConsoleRoutes)
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && !route.getRouteId().startsWith("console")) {
                assertThat(http.getHttpMethodRestrict()).as("the methods of route %s, %s", route.getRouteId(),
                        http.getPath()).isNotBlank();
                String path = http.getPath().startsWith("/") ? http.getPath() : "/" + http.getPath();
                for (String restricted : http.getHttpMethodRestrict().split(",")) {
                    String method = restricted.strip().toUpperCase(Locale.ROOT);
                    operations.put(method + " " + withoutParameterNames(path), method + " " + path);
                }
            }
        }
        return operations;
    }

    /**
     * {@code /topics/{}/partitions/{}/messages}: a path parameter's name is the document's to choose, its place is
     * not.
     */
    private static String withoutParameterNames(String path) {
        return path.replaceAll("\\{[^}/]*}", "{}");
    }

    private ApiResponse resolve(ApiResponse response) {
        if (response.get$ref() == null) {
            return response;
        }
        String name = response.get$ref().substring(response.get$ref().lastIndexOf('/') + 1);
        return document.getComponents().getResponses().get(name);
    }

    /** Whether the answer is JSON with the {@code Error} schema, or one that extends it ({@code allOf}). */
    private boolean isError(ApiResponse response) {
        if (response == null || response.getContent() == null || response.getContent().size() != 1) {
            return false;
        }
        MediaType json = response.getContent().get("application/json");
        if (json == null || json.getSchema() == null) {
            return false;
        }
        Schema<?> schema = json.getSchema();
        if (schema.get$ref() != null && !schema.get$ref().endsWith("/Error")) {
            schema = document.getComponents().getSchemas().get(
                    schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1));
        }
        return "#/components/schemas/Error".equals(schema.get$ref()) || schema.getAllOf() != null
               && schema.getAllOf().stream().anyMatch(part -> "#/components/schemas/Error".equals(part.get$ref()));
    }
}
