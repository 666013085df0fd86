package io.klite.runtime.jar;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client posts a batch with an Idempotency-Key and never gets the answer: the service is killed with SIGKILL once
 * the batch is in the file. Started again, the same request is answered with the first result, and the file holds the
 * batch once: the key was stored in the transaction that wrote the messages.
 */
class KliteRuntimeProducesOnceAcrossAKillIT {

    private static final String BATCH = "[{\"orderId\": 1}, {\"orderId\": 2}, {\"orderId\": 3}]";

    @TempDir
    Path dir;

    @Test
    void aBatchRetriedAfterTheServiceWasKilledBeforeItsAnswerIsStoredOnce() throws Exception {
        Path database = dir.resolve("data/klite.db");
        try (KliteProcess first = KliteProcess.start(dir)) {
            URI api = URI.create(first.awaitRunning());
            try (Socket client = new Socket(api.getHost(), api.getPort())) {
                // the request goes out; its answer is never read
                byte[] body = BATCH.getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("POST /topics/orders/batch HTTP/1.1\r\nHost: " + api.getHost() + "\r\n"
                        + "Content-Type: application/json\r\nIdempotency-Key: order-batch-1\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                await().atMost(30, SECONDS).until(() -> Files.exists(database) && rows(database).size() == 3);
                first.kill();
            }
        }
        assertThat(rows(database)).containsExactly("{\"orderId\": 1}", "{\"orderId\": 2}", "{\"orderId\": 3}");

        try (KliteProcess second = KliteProcess.start(dir)) {
            String api = second.awaitRunning();
            HttpResponse<String> retry = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(api + "/topics/orders/batch")).header("Content-Type", "application/json")
                    .header("Idempotency-Key", "order-batch-1").POST(HttpRequest.BodyPublishers.ofString(BATCH)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(retry.statusCode()).isEqualTo(201);
            assertThat(retry.body()).isEqualTo("{\"topic\":\"orders\",\"partition\":0,\"firstOffset\":1,\"count\":3}");
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        }
        assertThat(rows(database)).as("the file after the retry").hasSize(3);
    }

    /** The payloads of topic orders, partition 0, read with plain JDBC; none where the table is not there yet. */
    private static List<String> rows(Path database) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + database);
                ResultSet table = file.createStatement().executeQuery(
                        "SELECT 1 FROM sqlite_master WHERE name = 'orders_0'")) {
            if (!table.next()) {
                return rows;
            }
            try (ResultSet rs = file.createStatement().executeQuery(
                    "SELECT CAST(data AS TEXT) FROM orders_0 ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
