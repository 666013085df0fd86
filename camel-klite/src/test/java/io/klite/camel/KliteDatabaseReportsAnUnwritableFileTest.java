package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code klite/database} is DOWN while the file cannot be written: the file itself not writable, or the last write
 * failed with a storage error (here an I/O error: the {@code -wal} file made immutable under the running log), which
 * stays reported until a write succeeds again. The tests run as root here, which permission bits do not stop, so the
 * file is made immutable ({@code chattr +i}), which stops root too; where that is not possible, they are skipped.
 */
class KliteDatabaseReportsAnUnwritableFileTest extends KliteCamelTestSupport {

    private final List<Path> immutable = new ArrayList<>();

    @Test
    void downWhileTheFileIsNotWritable() throws Exception {
        template.sendBody("klite:orders", "1");
        assertThat(database().getState()).isEqualTo(HealthCheck.State.UP);

        immutable(db());
        HealthCheck.Result down = database();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("the database file '" + db().toAbsolutePath().normalize()
                + "' is not writable (permissions, a read-only file system or the immutable attribute)");

        writable(db());
        assertThat(database().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void downAfterAWriteFailedUntilAWriteSucceeds() throws Exception {
        template.sendBody("klite:orders", "1");
        Path wal = Path.of(db() + "-wal");
        assertThat(wal).exists();

        immutable(wal);
        try {
            template.sendBody("klite:orders", "2");
            throw new AssertionError("a send to a file whose -wal cannot be written succeeded");
        } catch (CamelExecutionException expected) {
            assertThat(expected).hasRootCauseInstanceOf(java.sql.SQLException.class);
        }
        assertThat(database().getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("'" + wal.toAbsolutePath().normalize() + "' of the database is not writable"));

        writable(wal);
        HealthCheck.Result failed = database();
        assertThat(failed.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(failed.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("the last write to the database file '" + db().toAbsolutePath().normalize() + "' failed at ")
                .contains("and none has succeeded since: ", "SQLITE_IOERR"));

        template.sendBody("klite:orders", "3");
        assertThat(database().getState()).isEqualTo(HealthCheck.State.UP);
    }

    private HealthCheck.Result database() {
        return HealthCheckHelper.invoke(context, "full").stream().filter(r -> r.getCheck().getId().equals("database"))
                .findFirst().orElseThrow(() -> new AssertionError("no klite/database check"));
    }

    /** Sets the immutable attribute, which stops writes by root too; skips the test where it cannot be set. */
    private void immutable(Path file) throws Exception {
        assumeThat(chattr("+i", file)).as("chattr +i on %s (root, or CAP_LINUX_IMMUTABLE, on ext4 and the like)", file)
                .isZero();
        immutable.add(file);
        assertThat(Files.isWritable(file)).isFalse();
    }

    private void writable(Path file) throws Exception {
        assertThat(chattr("-i", file)).isZero();
        immutable.remove(file);
    }

    private static int chattr(String flag, Path file) throws Exception {
        try {
            return new ProcessBuilder("chattr", flag, file.toString()).inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            return -1; // no chattr here
        }
    }

    @AfterEach
    void makeWritableAgain() throws Exception {
        for (Path file : List.copyOf(immutable)) {
            writable(file);
        }
    }
}
