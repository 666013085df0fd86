package io.klite.log;

/**
 * A dead letter a redrive was asked to copy back cannot go back: its headers do not say where it came from (it was not
 * written by dead-lettering), or name a topic or partition it cannot be written to (a name that breaks the naming
 * rule, a partition beyond the topic's count). The message names the dead-letter topic, partition and offset, the
 * header values and what is wrong with them. The fault is in the file, not in the call: a redrive checks every dead
 * letter it would copy back before it writes, so nothing was written.
 */
public class InvalidDeadLetterException extends KliteException {

    public InvalidDeadLetterException(String message) {
        super(message);
    }
}
