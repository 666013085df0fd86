package io.klite.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;

/** A consumer's {@code exceptionHandler} that keeps what reached it: "message: cause message". */
final class RecordingExceptionHandler implements ExceptionHandler {

    final List<String> handled = new CopyOnWriteArrayList<>();

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        handled.add(message + ": " + (exception == null ? null : exception.getMessage()));
    }
}
