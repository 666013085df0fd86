package io.klite.log;

/**
 * Base of every error the Klite log raises on purpose. Unchecked, like Kafka's client exceptions: the
 * subtypes name failures a caller can act on, and every message names the offending value and the rule.
 */
public class KliteException extends RuntimeException {

    public KliteException(String message) {
        super(message);
    }

    public KliteException(String message, Throwable cause) {
        super(message, cause);
    }
}
