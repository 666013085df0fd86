package io.klite.runtime.worker;

/**
 * A worker file, a {@code klite-http-worker} route or a {@code klite.*} setting that cannot run as written. The
 * message names the file (or route), the key and the value, and what is allowed; nothing has started.
 */
public class WorkerConfigException extends IllegalArgumentException {

    public WorkerConfigException(String message) {
        super(message);
    }

    public WorkerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
