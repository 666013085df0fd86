package io.klite.log;

/**
 * A commit of a member that no longer holds the partition's lease (it expired, say after a long pause, and another
 * member may have taken it): refused, nothing written. The member stops that partition; the lease's holder delivers
 * from the last commit.
 */
public class LeaseLostException extends KliteException {

    public LeaseLostException(String message) {
        super(message);
    }
}
