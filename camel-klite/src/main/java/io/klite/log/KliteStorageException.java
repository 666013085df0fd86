package io.klite.log;

/**
 * The SQLite file could not be opened, read or written: a path that is a folder, a file that is not a SQLite
 * database, a read-only location, a lock held longer than the busy timeout, a full disk. The message names the
 * file; the cause is the driver's exception.
 */
public class KliteStorageException extends KliteException {

    public KliteStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
