package io.klite.runtime.kafka;

/**
 * A {@code klite-to-kafka} route that cannot run as written: the message names the route, the parameter, its value
 * and what is allowed. The service does not start.
 */
public class MirrorConfigException extends IllegalArgumentException {

    public MirrorConfigException(String message) {
        super(message);
    }

    public MirrorConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
