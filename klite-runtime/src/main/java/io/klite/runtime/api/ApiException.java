package io.klite.runtime.api;

/** A request the API refuses: its status and the message it answers with, naming the problem. */
final class ApiException extends RuntimeException {

    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }
}
