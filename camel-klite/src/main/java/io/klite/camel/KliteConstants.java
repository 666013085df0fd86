package io.klite.camel;

import org.apache.camel.spi.Metadata;

/**
 * The headers of the {@code klite:} component. Their names are a public contract: routes, other tools and the
 * generated component documentation rely on them.
 */
public final class KliteConstants {

    @Metadata(javaType = "String",
              description = "The topic the message was consumed from or written to. A result: it never steers a"
                            + " producer (see CamelKliteOverrideTopic).")
    public static final String TOPIC = "CamelKliteTopic";

    @Metadata(javaType = "Integer",
              description = "The partition the message was consumed from or written to. A result: it never steers a"
                            + " producer (see CamelKliteOverridePartition), so a route from one klite: endpoint to"
                            + " another writes by the second one's own rules.")
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

    @Metadata(label = "producer", javaType = "String",
              description = "The topic to write to instead of the URI's (validated; created with the endpoint's"
                            + " partitionCount where it does not exist). The producer removes it once the message is"
                            + " written.")
    public static final String OVERRIDE_TOPIC = "CamelKliteOverrideTopic";

    @Metadata(label = "producer", javaType = "Integer",
              description = "The partition to write to; it wins over every other rule (an Integer, or text of one;"
                            + " refused where it is not a partition of the topic). The producer removes it once the"
                            + " message is written.")
    public static final String OVERRIDE_PARTITION = "CamelKliteOverridePartition";

    @Metadata(label = "producer", javaType = "String",
              description = "Makes the write safe to retry: a message (a List body: a batch) written again with the"
                            + " same key within idempotencyWindow, and the same topic, partition header, key, headers"
                            + " and payload, is not written again; the producer sets the first write's offsets and"
                            + " CamelKliteIdempotentReplayed=true. The same key with another message is refused"
                            + " (IdempotencyKeyReusedException). 1 to 255 printable ASCII characters, one per message,"
                            + " such as a UUID or a business id. Stored with the message in one transaction.")
    public static final String IDEMPOTENCY_KEY = "CamelKliteIdempotencyKey";

    @Metadata(label = "producer", javaType = "Boolean",
              description = "Set by a write with CamelKliteIdempotencyKey: true where the key's message was already"
                            + " written and nothing was written now, false where it was written now.")
    public static final String IDEMPOTENT_REPLAYED = "CamelKliteIdempotentReplayed";

    @Metadata(label = "consumer", javaType = "Integer",
              description = "Which delivery of the message (of the batch, with batching=true) this is: 1 the first"
                            + " time, n the n-th time it is delivered after failures. Counted in the file"
                            + " (klite_delivery_attempts): the count goes on after a restart.")
    public static final String ATTEMPT = "CamelKliteAttempt";

    private KliteConstants() {
    }
}
