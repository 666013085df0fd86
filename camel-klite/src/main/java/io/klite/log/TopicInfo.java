package io.klite.log;

import java.util.List;

/**
 * A topic and its partitions {@code 0..n-1}, in order; a partition with no table yet is listed empty, with start offset
 * 1 and end offset 0.
 */
public record TopicInfo(String topic, List<PartitionInfo> partitions) {

    public TopicInfo {
        partitions = List.copyOf(partitions);
    }
}
