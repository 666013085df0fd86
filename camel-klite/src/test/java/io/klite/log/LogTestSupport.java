package io.klite.log;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests on one log: a fresh {@code klite.db} in a temporary folder, opened before and closed after each test. */
abstract class LogTestSupport {

    @TempDir
    Path dir;
    KliteLog log;

    @BeforeEach
    void openLog() {
        log = KliteLog.open(dir.resolve("klite.db"));
    }

    @AfterEach
    void closeLog() {
        log.close();
    }
}
