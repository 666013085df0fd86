package io.klite.log;

/** The call needs an existing topic (committing an offset, say) and the file has none of that name. */
public class UnknownTopicException extends KliteException {

    public UnknownTopicException(String message) {
        super(message);
    }
}
