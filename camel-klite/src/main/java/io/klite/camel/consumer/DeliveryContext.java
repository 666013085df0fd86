package io.klite.camel.consumer;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.HeadersMapFactory;

/**
 * What a {@link Delivery} needs of the consumer it works for, and nothing more: exchanges to fill, the route to run them
 * through, where failures go, and how long a failed partition waits. Invariant: every exchange from
 * {@link #createExchange()} is given back with {@link #releaseExchange(Exchange)}, once, after the route ran it.
 */
public interface DeliveryContext {

    /** Whether the consumer may still hand exchanges to the route; false once it is stopping. */
    boolean deliveryAllowed();

    Exchange createExchange();

    void releaseExchange(Exchange exchange);

    /** Runs the route on the exchange. */
    void process(Exchange exchange) throws Exception;

    /** The consumer's exception handler: Camel's default one, which logs, or the {@code exceptionHandler} option's. */
    ExceptionHandler exceptionHandler();

    /** Whether failures go to the route's error handler ({@code bridgeErrorHandler=true}). */
    boolean bridgesErrors();

    /** How failed messages are retried and when they are dead-lettered. */
    FailurePolicy failurePolicy();

    /** The consumer's membership of its group across processes, or null without group coordination. */
    GroupMember member();

    /** Makes Camel's header maps, for headers copied from one map to every exchange of a partition. */
    HeadersMapFactory headersMaps();

    /** Where the consumer notes which of its partitions are failing, for its health check. */
    FailingPartitions failingPartitions();
    /** What the consumer counts for metrics (consumed, failed attempts, dead letters); never null. */
    ConsumerMeters meters();
}
