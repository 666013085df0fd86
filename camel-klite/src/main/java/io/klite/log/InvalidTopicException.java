package io.klite.log;

/** A topic name breaks the naming rule, or clashes with a topic already in the file. Nothing was written. */
public class InvalidTopicException extends KliteException {

    public InvalidTopicException(String message) {
        super(message);
    }
}
