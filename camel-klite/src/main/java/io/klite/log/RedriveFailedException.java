package io.klite.log;

import java.util.List;

/**
 * A redrive that was checked whole and then failed part way, for another reason than its dead letters (the database
 * could not be used, the file changed meanwhile): the cause is that failure, and {@link #redriven} what was copied back
 * before it, which stays redriven (each chunk is one transaction with the {@code klite.redrive} group's commit past it).
 * The message says the same, partition by partition. A redrive again goes on after the last dead letter redriven.
 */
public class RedriveFailedException extends KliteException {

    private final transient List<RedriveResult> redriven;

    public RedriveFailedException(String message, List<RedriveResult> redriven, Throwable cause) {
        super(message, cause);
        this.redriven = List.copyOf(redriven);
    }

    /** What was redriven before the failure: each partition the redrive reached, in order, 0 messages where none. */
    public List<RedriveResult> redriven() {
        return redriven;
    }
}
