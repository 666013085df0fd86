package io.klite.camel.consumer;

/**
 * Why a message (batch) was dead-lettered without being delivered again: the process stopped (was killed, crashed,
 * ran out of memory) during its last attempt allowed, so another attempt would likely stop it again. The class name
 * goes into the dead letter's {@code klite.exception.class} header.
 */
public class UnfinishedDeliveryException extends RuntimeException {

    public UnfinishedDeliveryException(String message) {
        super(message, null, false, false);
    }
}
