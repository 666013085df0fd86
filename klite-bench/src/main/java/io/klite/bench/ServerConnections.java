package io.klite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections a server on this machine holds, as Linux lists them in {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: the sockets in state ESTABLISHED whose local port is the server's. Client and server share
 * the machine, so the server's side of each connection is listed beside the client's.
 */
final class ServerConnections {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String ESTABLISHED = "01";

    private ServerConnections() {
    }

    /** Whether this machine lists its sockets where {@link #remotePorts} reads them. */
    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /** The remote (client) ports of the connections the server on {@code port} holds now. */
    static Set<Integer> remotePorts(int port) throws IOException {
        Set<Integer> remote = new HashSet<>();
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            // "sl local_address rem_address st ...": addresses as hex IP:port
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length > 3 && fields[3].equals(ESTABLISHED) && port(fields[1]) == port) {
                    remote.add(port(fields[2]));
                }
            }
        }
        return remote;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
