package io.klite.camel;

import static org.awaitility.Awaitility.await;

import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What a test's route received, in order: the route adds to it ({@link #body()}, {@link #of}), the test waits for it
 * ({@link #awaitSize}, {@link #awaitAtLeast}) and asserts on it as a list. Safe to add to from the consumer's thread
 * while the test reads it.
 */
final class Received extends AbstractList<String> {

    private final List<String> items = new CopyOnWriteArrayList<>();

    /** A step that adds each exchange's body as text. */
    Processor body() {
        return of(exchange -> exchange.getIn().getBody(String.class));
    }

    /** A step that adds what {@code what} makes of each exchange. */
    Processor of(Function<Exchange, String> what) {
        return exchange -> items.add(what.apply(exchange));
    }

    /** Waits until exactly {@code size} items have come (Awaitility's default timeout). */
    Received awaitSize(int size) {
        await().until(() -> items.size() == size);
        return this;
    }

    /** Waits until at least {@code size} items have come. */
    Received awaitAtLeast(int size) {
        await().until(() -> items.size() >= size);
        return this;
    }

    @Override
    public String get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public void add(int index, String item) {
        items.add(index, item);
    }

    @Override
    public void clear() {
        items.clear();
    }
}
