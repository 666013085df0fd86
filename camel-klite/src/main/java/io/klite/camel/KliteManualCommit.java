package io.klite.camel;

/**
 * Commits one consumed exchange's offset, for routes that consume with {@code allowManualCommit=true}; found in the
 * {@link KliteConstants#MANUAL_COMMIT} header. Committing is idempotent and never moves the group's offset backwards,
 * so committing late, twice, or out of order is safe.
 */
public interface KliteManualCommit {

    /** Records that the group has processed every message of the partition up to and including {@link #offset()}. */
    void commit();

    String group();

    String topic();

    int partition();

    /** The offset this object commits: of the exchange's message, or of the last message of its batch. */
    long offset();
}
