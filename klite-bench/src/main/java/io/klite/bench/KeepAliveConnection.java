package io.klite.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 client connection, opened once and kept alive for every request it sends, one after the other. It
 * never opens another: where the server closes it or asks to ({@code Connection: close}), the next request fails
 * instead of being sent on a new connection behind the benchmark's back. So N of these are exactly N connections for
 * the whole run. A plain socket rather than {@code java.net.http.HttpClient}, whose pool gives no such promise and
 * whose selector thread would take CPU from the server on a 2-core machine.
 */
final class KeepAliveConnection implements AutoCloseable {

    /** A request's headers and body in one write: a batch of 100 orders is about 10 KiB. */
    private static final int BUFFER = 64 * 1024;

    /** The status and body of an answer. */
    record Answer(int status, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private final StringBuilder line = new StringBuilder();

    KeepAliveConnection(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(60_000);
        out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
        in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        this.host = host + ":" + port;
    }

    /** This end's port: what the server sees as the connection's remote port. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** POSTs a JSON body to {@code path}, with an {@code Idempotency-Key} header where the key is not null. */
    Answer post(String path, byte[] body, String idempotencyKey) throws IOException {
        StringBuilder head = new StringBuilder(160)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (idempotencyKey != null) {
            head.append("Idempotency-Key: ").append(idempotencyKey).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read();
    }

    Answer get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    /** Reads one answer: its status line, headers, and body by {@code Content-Length} or chunked. */
    private Answer read() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("Not an HTTP/1.1 answer: '" + status + "'");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, Math.max(colon, 0)).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> close = value.contains("close");
                default -> {
                }
            }
        }
        byte[] body;
        if (chunked) {
            body = readChunks();
        } else if (length >= 0) {
            body = in.readNBytes(Math.toIntExact(length));
            if (body.length < length) {
                throw new EOFException("The server closed the connection in an answer's body");
            }
        } else {
            throw new IOException("An answer (" + status + ") without Content-Length or chunks: it would end only"
                    + " when the connection closes");
        }
        if (close) {
            throw new IOException("The server closes the connection after this answer (" + status + ", "
                    + new String(body, StandardCharsets.UTF_8) + "): it is not kept alive");
        }
        return new Answer(code, body);
    }

    private byte[] readChunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("The server closed the connection in a chunk");
            }
            body.writeBytes(chunk);
            readLine();
        }
        for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
            // trailers: none expected, read past them
        }
        return body.toByteArray();
    }

    private int chunkSize() throws IOException {
        String size = readLine();
        int extension = size.indexOf(';');
        return Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
    }

    /** A line without its CRLF; fails where the server closed the connection. */
    private String readLine() throws IOException {
        line.setLength(0);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("The server closed the connection (local port " + localPort() + ")");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
