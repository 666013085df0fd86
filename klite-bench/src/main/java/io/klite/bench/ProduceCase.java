package io.klite.bench;

import java.util.Locale;

/**
 * What {@link ApiProduceBench}'s clients post: one order or a batch of {@link ApiProduceBench#BATCH_SIZE}, to the
 * service's baseline route that writes nothing, to the API, or to the API with a new {@code Idempotency-Key} header
 * on every request.
 */
enum ProduceCase {

    SINGLE_BASELINE, SINGLE_PLAIN, SINGLE_WITH_KEY, BATCH_BASELINE, BATCH_PLAIN, BATCH_WITH_KEY;

    boolean batch() {
        return name().startsWith("BATCH");
    }

    boolean baseline() {
        return name().endsWith("BASELINE");
    }

    boolean withKey() {
        return name().endsWith("WITH_KEY");
    }

    int messagesPerRequest() {
        return batch() ? ApiProduceBench.BATCH_SIZE : 1;
    }

    /** The baseline of the same shape. */
    ProduceCase baselineCase() {
        return batch() ? BATCH_BASELINE : SINGLE_BASELINE;
    }

    String path() {
        return (baseline() ? "/baseline" : "/topics/" + ApiProduceBench.TOPIC) + (batch() ? "/batch" : "/messages");
    }

    /** Its name in a {@code RESULT} line, such as {@code api.single.with-key}. */
    String resultName() {
        return "api." + name().toLowerCase(Locale.ROOT).replaceFirst("_", ".").replace('_', '-');
    }
}
