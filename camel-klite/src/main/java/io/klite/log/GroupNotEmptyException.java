package io.klite.log;

/**
 * A group's offsets cannot be reset, or the group or a topic it consumes deleted, while live members consume with it
 * (Kafka's {@code GroupNotEmptyException}): they would undo the change with their next commit. The message names the live
 * members; nothing was written. An {@link IllegalStateException}, as {@link KliteLog#deleteGroup} has always thrown,
 * rather than a {@link KliteException}: the caller acts by stopping the members (or, for a reset, forcing it).
 */
public class GroupNotEmptyException extends IllegalStateException {

    public GroupNotEmptyException(String message) {
        super(message);
    }
}
