package io.klite.runtime.cli;

import io.klite.log.KliteLog;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code compact}: {@link KliteLog#compact()}, SQLite's {@code VACUUM}, so that the file shrinks to what it holds
 * after retention deleted many messages. Invariant: the one command that holds the file's write lock for long (as
 * long as the rebuild takes): the service's writers wait meanwhile, up to their busy timeout (10 s by default), and
 * fail past it; for a quiet moment.
 */
@Command(name = "compact", description = "Rebuilds the database file without its free pages (VACUUM) and empties"
        + " the WAL. Writers wait meanwhile (the service's up to its busy timeout, 10 s): for a quiet moment.")
final class CompactCommand implements Callable<Integer> {

    @Mixin
    private CommonOptions common;

    @Override
    public Integer call() throws IOException {
        try (KliteLog log = common.openExisting()) {
            long before = Files.size(log.path());
            long after = log.compact();
            common.print(CommonOptions.object("database", log.path().toString(), "bytesBefore", before,
                    "bytesAfter", after), new Table("DATABASE", "BYTES-BEFORE", "BYTES-AFTER")
                    .row(log.path(), before, after).render());
        }
        return 0;
    }
}
