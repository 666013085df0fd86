package io.klite.log;

/**
 * The result of a send with an {@link IdempotencyKey}: where its messages are, and whether this call wrote them or
 * answered a first send's result ({@code replayed}, nothing written).
 *
 * @param batch offsets {@code firstOffset .. firstOffset + count - 1} of the topic's partition
 */
public record IdempotentSend(String topic, int partition, BatchResult batch, boolean replayed) {
}
