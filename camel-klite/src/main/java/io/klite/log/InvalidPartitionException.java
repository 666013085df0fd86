package io.klite.log;

/** A partition number is negative or beyond the topic's partition count. Nothing was written. */
public class InvalidPartitionException extends KliteException {

    public InvalidPartitionException(String message) {
        super(message);
    }
}
