package io.klite.log;

/**
 * What one redrive of a dead-letter partition did.
 *
 * @param deadLetterTopic the dead-letter topic
 * @param partition       its partition
 * @param messages        how many messages were copied back to their original topics (0 where none were left)
 * @param firstOffset     the dead-letter offset of the first one copied; 0 where none were
 * @param lastOffset      the dead-letter offset of the last one copied, where the {@code klite.redrive} group now
 *                        stands; 0 where none were
 */
public record RedriveResult(String deadLetterTopic, int partition, int messages, long firstOffset, long lastOffset) {
}
