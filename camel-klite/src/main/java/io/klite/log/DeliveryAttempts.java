package io.klite.log;

import java.time.Instant;

/**
 * A message (or batch) a consumer group failed to deliver and has not committed past yet: a row of the file's
 * {@code klite_delivery_attempts} table. Where the group commits past {@code firstOffset}, or its offset is reset,
 * the row goes.
 *
 * @param firstOffset   the message's offset, or the first of the batch
 * @param lastOffset    the message's offset, or the last of the batch at its latest failure
 * @param attempts      how many deliveries of it failed, counted across restarts and processes
 * @param lastError     why the latest attempt failed, on one line
 * @param firstFailedAt when its first attempt failed
 * @param lastFailedAt  when its latest attempt failed
 */
public record DeliveryAttempts(String group, String topic, int partition, long firstOffset, long lastOffset,
                               int attempts, String lastError, Instant firstFailedAt, Instant lastFailedAt) {
}
