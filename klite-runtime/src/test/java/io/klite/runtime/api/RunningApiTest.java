package io.klite.runtime.api;

import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of the API against a service started with the defaults on a file in a temporary folder, one per test. */
abstract class RunningApiTest {

    @TempDir
    Path dir;
    RunningKlite klite;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
    }

    @AfterEach
    void stop() throws Exception {
        klite.close();
    }
}
