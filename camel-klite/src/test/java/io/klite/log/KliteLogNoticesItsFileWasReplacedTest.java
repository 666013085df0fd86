package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database file deleted or replaced under a running log is noticed: {@link KliteLog#checkFile()} names the
 * problem, and writes are refused with a clear error instead of going to a file no one else can see.
 */
class KliteLogNoticesItsFileWasReplacedTest extends LogTestSupport {

    @Test
    void aDeletedFileIsReportedAndWritesAreRefused() throws Exception {
        Path file = log.path();
        log.send("orders", 0, "before");
        assertThat(log.checkFile()).isEmpty();

        Files.delete(file);

        assertReportedAndRefused("was deleted since it was opened");
        log.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileReplacedByAnotherDatabaseIsReportedAndNothingIsWrittenToEither() throws Exception {
        Path file = log.path();
        Path replacement = dir.resolve("replacement.db");
        try (Jdbc other = new Jdbc(replacement)) {
            other.exec("CREATE TABLE notes (text TEXT)");
        }
        log.send("orders", 0, "before");
        try (Jdbc checkpoint = new Jdbc(file)) {
            // else the log's WAL, still next to the path, would be read into the replacement by its next opener
            checkpoint.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);

        assertReportedAndRefused("was replaced by another file since it was opened");
        log.close();
        try (Jdbc other = new Jdbc(file)) {
            assertThat(other.strings("SELECT name FROM sqlite_master WHERE type = 'table'")).containsExactly("notes");
        }
    }

    /** {@link KliteLog#checkFile()} names the file and the problem; a send, a batch, a new topic are refused. */
    private void assertReportedAndRefused(String problem) {
        Path file = log.path();
        assertThat(log.checkFile()).hasValueSatisfying(reported -> assertThat(reported)
                .contains(file.toString()).contains(problem));
        for (Runnable write : List.<Runnable>of(() -> log.send("orders", 0, "after"),
                () -> log.sendBatch("orders", 0, List.of("a", "b")), () -> log.createTopic("more", 1))) {
            assertThatThrownBy(write::run).isInstanceOf(KliteStorageException.class)
                    .hasMessageContaining("Cannot write Klite database '" + file + "': " + "the database file '" + file
                            + "' " + problem + "; nothing was written; restart the process");
        }
    }
}
