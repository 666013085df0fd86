package io.klite.log;

/**
 * A send with an idempotency key the file remembers from another send (another fingerprint: another topic, key,
 * partition or payload): refused, nothing written. The HTTP API answers it with 422.
 */
public class IdempotencyKeyReusedException extends KliteException {

    public IdempotencyKeyReusedException(String message) {
        super(message);
    }
}
