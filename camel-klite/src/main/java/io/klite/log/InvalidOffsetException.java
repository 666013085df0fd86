package io.klite.log;

/** An offset to commit or reset to lies outside {@code 0..endOffset} of its partition. Nothing was written. */
public class InvalidOffsetException extends KliteException {

    public InvalidOffsetException(String message) {
        super(message);
    }
}
