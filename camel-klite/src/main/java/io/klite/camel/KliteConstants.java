package io.klite.camel;

import org.apache.camel.spi.Metadata;

/**
 * The headers of the {@code klite:} component. Their names are a public contract: routes, other tools and the
 * generated component documentation rely on them.
 */
public final class KliteConstants {

    @Metadata(javaType = "String",
              description = "The topic the message was consumed from or written to.")
    public static final String TOPIC = "CamelKliteTopic";

    @Metadata(javaType = "Integer",
              description = "Consumed: the partition of the message. Produced: set it to choose the partition to write"
                            + " to (it wins over every other rule, unless a CamelKliteTopic header names another"
                            + " topic); after the send it holds the partition written.")
    public static final String PARTITION = "CamelKlitePartition";

    @Metadata(javaType = "Long",
              description = "Consumed: the offset of the message (of the last message, for a batch). Produced: the"
                            + " offset of the message written (of the last one, for a batch).")
    public static final String OFFSET = "CamelKliteOffset";

    @Metadata(javaType = "Long",
              description = "The first offset of a batch: of a consumed batch (batching=true), or of a List body"
                            + " written as one batch.")
    public static final String FIRST_OFFSET = "CamelKliteFirstOffset";

    @Metadata(label = "consumer", javaType = "Long",
              description = "The last offset of a consumed batch (batching=true).")
    public static final String LAST_OFFSET = "CamelKliteLastOffset";

    @Metadata(label = "consumer", javaType = "Long",
              description = "When the message was written (the row's created time, UTC), in epoch milliseconds; for a"
                            + " batch, of its last message. Absent where the row holds no time SQLite could write.")
    public static final String TIMESTAMP = "CamelKliteTimestamp";

    @Metadata(javaType = "String",
              description = "The message key. Consumed: where the message has one. Produced: set it to choose the"
                            + " partition with Kafka's partitioner and to store the key with the message.")
    public static final String KEY = "CamelKliteKey";

    @Metadata(label = "consumer", javaType = "String", description = "The consumer group that consumed the message.")
    public static final String GROUP = "CamelKliteGroup";

    @Metadata(label = "consumer", javaType = "io.klite.camel.KliteManualCommit",
              description = "With allowManualCommit=true: the object whose commit() commits this exchange's offset"
                            + " for its group.")
    public static final String MANUAL_COMMIT = "CamelKliteManualCommit";

    private KliteConstants() {
    }
}
