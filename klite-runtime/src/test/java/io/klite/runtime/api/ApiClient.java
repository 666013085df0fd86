package io.klite.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Calls the Klite API as curl would, and reads its JSON answers. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    public ApiClient(String base) {
        this.base = base;
    }

    public record Answer(int status, String contentType, JsonNode json) {
    }

    public Answer post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public Answer post(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Answer put(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public Answer put(String path, String json) throws IOException, InterruptedException {
        return put(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A request of any method with a body, and a {@code Content-Type} where {@code contentType} is not null. */
    public Answer send(String method, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    /** A request of any method, without a body. */
    public Answer send(String method, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /**
     * POSTs with the path and query exactly as given, bytes on the wire, even where they are not a valid URI (such as
     * a bad {@code %} escape, which {@link URI} refuses).
     */
    public Answer postAsWritten(String pathAndQuery, String json) throws IOException {
        return sendAsWritten("POST", pathAndQuery, Map.of("Host", URI.create(base).getHost(),
                "Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A request written on a socket as given: the method, path and query, and exactly {@code headers} (a
     * {@code Host} among them, which {@link HttpClient} would not let a caller choose, or none), with a
     * {@code Content-Length} where {@code body} is not null.
     */
    public Answer sendAsWritten(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            StringBuilder head = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            String[] response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .split("\r\n\r\n", 2);
            String[] lines = response[0].split("\r\n");
            String contentType = null;
            for (String header : lines) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    contentType = header.substring("content-type:".length()).strip();
                }
            }
            String answer = response.length < 2 ? "" : response[1];
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), contentType,
                    answer.isEmpty() || contentType == null || !contentType.contains("json") ? null
                            : JSON.readTree(answer));
        }
    }

    /** A JSON POST with request headers, answered with the response headers too. */
    public HttpResponse<String> post(String path, Map<String, String> headers, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = response.body();
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                body.length == 0 ? null : JSON.readTree(body));
    }
}
