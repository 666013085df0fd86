package io.klite.runtime.console;

import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the web console: one service on a file in a temporary folder and one headless Chromium for the whole
 * class (each takes seconds to start), both started by the class once its data is written ({@link #start}).
 */
abstract class ConsoleTest {

    @TempDir
    static Path dir;
    static RunningKlite klite;
    static Browser browser;

    /** The service's database file, where a class writes its data before {@link #start} (or through klite.file()). */
    static Path database() {
        return dir.resolve("klite.db");
    }

    static void start(Map<String, String> properties) throws Exception {
        klite = RunningKlite.start(dir, properties);
        browser = Browser.open();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            browser = null;
            if (klite != null) {
                klite.close();
            }
            klite = null;
        }
    }

    /**
     * Loads the console at {@code route} (such as {@code /groups/billing}) as a new page, as a link from elsewhere
     * would, and waits until view {@code view} shows its data.
     */
    static void open(String route, String view) {
        browser.load("about:blank");
        browser.load(klite.api() + "/console/#" + route);
        browser.waitForView(view);
    }

    /** The CSS selector of a table cell: {@code [data-field="field"]} in the row {@code row} selects. */
    static String cell(String row, String field) {
        return row + " [data-field=\"" + field + "\"]";
    }
}
