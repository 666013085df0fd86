package io.klite.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code klite.api.maxBodySize} sets the HTTP server's body limit, 10MiB where not set; a value that is not a size
 * from 1 byte to 1GiB, or Camel's own {@code camel.server.maxBodySize} given besides, stops the start with exit code
 * 1 and one line naming the value and the forms allowed.
 */
class KliteRuntimeChecksMaxBodySizeTest {

    private static final String RULE = "use a whole number of bytes, or with B, KiB, MiB or GiB, from 1 byte to 1GiB,"
                                       + " such as 65536, 512KiB or 10MiB (the default)";

    @TempDir
    Path dir;

    @Test
    void theLimitIs10MiBWhereNotSet() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            assertThat(server(klite).getMaxBodySize()).isEqualTo(10L * 1024 * 1024);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            1         | 1
            65536     | 65536
            1000B     | 1000
            512KiB    | 524288
            ' 3MiB '  | 3145728
            1GiB      | 1073741824
            1024MiB   | 1073741824
            """)
    void theLimitIsTheSettingInBytes(String setting, long bytes) throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.api.maxBodySize", setting))) {
            assertThat(server(klite).getMaxBodySize()).isEqualTo(bytes);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10MB      | klite.api.maxBodySize: '10MB' is not a body size; RULE
            10mib     | klite.api.maxBodySize: '10mib' is not a body size; RULE
            10 MiB    | klite.api.maxBodySize: '10 MiB' is not a body size; RULE
            1.5MiB    | klite.api.maxBodySize: '1.5MiB' is not a body size; RULE
            -1        | klite.api.maxBodySize: '-1' is not a body size; RULE
            0         | klite.api.maxBodySize: '0' is not a body size; RULE
            0KiB      | klite.api.maxBodySize: '0KiB' is not a body size; RULE
            MiB       | klite.api.maxBodySize: 'MiB' is not a body size; RULE
            2GiB      | klite.api.maxBodySize: '2GiB' is over 1GiB, the largest body size; RULE
            1073741825 | klite.api.maxBodySize: '1073741825' is over 1GiB, the largest body size; RULE
            99999999999999999999KiB | klite.api.maxBodySize: '99999999999999999999KiB' is not a body size; RULE
            9999999999999999999 | klite.api.maxBodySize: '9999999999999999999' is over 1GiB, the largest body size; RULE
            """)
    void aValueThatIsNotASizeStopsTheStartWithOneLine(String value, String line) throws Exception {
        assertThat(startFails("--klite.api.maxBodySize=" + value)).singleElement().asString()
                .endsWith("Klite cannot start: " + line.replace("RULE", RULE));
    }

    @Test
    void camelsOwnSettingBesidesStopsTheStart() throws Exception {
        assertThat(startFails("--camel.server.maxBodySize=1024")).singleElement().asString()
                .endsWith("Klite cannot start: camel.server.maxBodySize=1024: Klite sets the HTTP server's body limit"
                          + " from klite.api.maxBodySize (default 10MiB); set klite.api.maxBodySize instead (bytes, or"
                          + " with B, KiB, MiB or GiB)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KLITE_API_MAX_BODY_SIZE", "KLITE_API_MAXBODYSIZE"})
    void theEnvironmentVariableIsTheSetting(String variable) {
        assertThat(KliteMain.environmentSettings(Map.of(variable, "1MiB")))
                .containsExactly(Map.entry("klite.api.maxBodySize", "1MiB"));
    }

    private static VertxPlatformHttpServer server(RunningKlite klite) {
        return klite.context().hasService(VertxPlatformHttpServer.class);
    }

    /**
     * Runs the service as {@code java -jar} does, with these arguments, and checks that it stops with exit code 1
     * before it runs.
     *
     * @return the lines that say why it did not start
     */
    private List<String> startFails(String... settings) throws Exception {
        List<String> args = new ArrayList<>(List.of("--camel.component.klite.database=" + dir.resolve("klite.db"),
                "--camel.server.port=0"));
        args.addAll(List.of(settings));
        // a start that wrongly succeeds ends after a second
        args.addAll(List.of("-duration", "1"));
        int[] exit = new int[1];

        List<String> lines = StandardError.linesDuring(() ->
                exit[0] = new KliteMain().run(args.toArray(String[]::new)));

        assertThat(exit[0]).isEqualTo(1);
        assertThat(lines).noneMatch(line -> line.contains("Klite is running") || line.contains("Started "));
        return lines.stream().filter(line -> line.contains("Klite cannot start")).toList();
    }
}
