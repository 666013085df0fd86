package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code compact}: {@link KliteLog#compact()}, SQLite's {@code VACUUM}, so that the file shrinks to what it holds
 * after retention deleted many messages. Invariant: the one command that holds the file's write lock for long (as
 * long as the rebuild takes): the service's writers wait meanwhile, up to their busy timeout (10 s by default), and
 * fail past it; for a quiet moment. The sizes it shows are the file's with its WAL's (where the service's connections
 * keep writes in the WAL, the file alone says little). Where the service's connections kept the rebuilt pages from
 * going back into the file for the whole busy timeout, the compaction still succeeded (exit code 0): a note says that
 * the WAL still holds them until a later checkpoint.
 */
@Command(name = "compact", description = "Rebuilds the database file without its free pages (VACUUM) and empties"
        + " the WAL. Writers wait meanwhile (the service's up to its busy timeout, 10 s): for a quiet moment.")
final class CompactCommand implements Callable<Integer> {

    /** A WAL this large after a compaction still holds rebuilt pages (an emptied one is 0 bytes, then grows). */
    private static final long WAL_NOTE_BYTES = 1 << 20;

    @Mixin
    private CommonOptions common;

    @Override
    public Integer call() throws IOException {
        try (KliteLog log = common.openExisting()) {
            long before = onDisk(log.path());
            log.compact();
            long after = onDisk(log.path());
            long wal = walSize(log.path());
            String note = wal < WAL_NOTE_BYTES ? "" : "Compacted; the WAL still holds " + wal + " bytes: other"
                    + " connections (the service's) kept the rebuilt pages from being copied back into the file"
                    + " within the busy timeout, or wrote since; a later checkpoint copies them, and nothing is"
                    + " lost.\n";
            common.print(CommonOptions.object("database", log.path().toString(), "bytesBefore", before,
                    "bytesAfter", after, "walBytesAfter", wal), new Table("DATABASE", "BYTES-BEFORE", "BYTES-AFTER")
                    .row(log.path(), before, after).render() + note);
        }
        return 0;
    }

    /** The file's bytes with its WAL's, where it has one: what the database takes on disk. */
    private static long onDisk(Path file) throws IOException {
        return Files.size(file) + walSize(file);
    }

    private static long walSize(Path file) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }
}
