package io.klite.log;

/** A registration that ends when closed; closing it twice is harmless. */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
