package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without --database the CLI works on the service's file as the service finds it in the same working directory:
 * CAMEL_COMPONENT_KLITE_DATABASE, else camel.component.klite.database in ./application.properties, else data/klite.db;
 * a relative path is the working directory's.
 */
class KliteCliFindsTheServicesDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void theEnvironmentVariableThenThePropertiesFileThenTheDefault() throws Exception {
        assertThat(DatabaseFile.ofService(Map.of(), dir)).isEqualTo(new DatabaseFile(dir.resolve("data/klite.db"),
                "the default, data/klite.db relative to the working directory"));

        Files.writeString(dir.resolve("application.properties"), "camel.server.port = 9090\n"
                + "camel.component.klite.database = state/orders.db\n");
        assertThat(DatabaseFile.ofService(Map.of(), dir)).isEqualTo(new DatabaseFile(dir.resolve("state/orders.db"),
                "from camel.component.klite.database in ./application.properties"));

        assertThat(DatabaseFile.ofService(Map.of("CAMEL_COMPONENT_KLITE_DATABASE", "/var/lib/klite/k.db"), dir))
                .isEqualTo(new DatabaseFile(Path.of("/var/lib/klite/k.db"), "from CAMEL_COMPONENT_KLITE_DATABASE"));
        assertThat(DatabaseFile.ofService(Map.of("CAMEL_COMPONENT_KLITE_DATABASE", " "), dir).path())
                .isEqualTo(dir.resolve("state/orders.db"));
    }

    @Test
    void aPlaceholderIsRefusedRatherThanGuessed() throws Exception {
        Files.writeString(dir.resolve("application.properties"),
                "camel.component.klite.database = {{env:STATE_DIR}}/klite.db\n");

        assertThatThrownBy(() -> DatabaseFile.ofService(Map.of(), dir)).isInstanceOf(CliFailure.class)
                .hasMessage("camel.component.klite.database in '" + dir.resolve("application.properties") + "' is"
                        + " '{{env:STATE_DIR}}/klite.db', a placeholder the CLI does not resolve; give the file with"
                        + " --database");
    }
}
