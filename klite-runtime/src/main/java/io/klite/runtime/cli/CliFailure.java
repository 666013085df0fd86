package io.klite.runtime.cli;

/** A command that cannot do what it was asked (exit code 1); the message says why, naming the value, on one line. */
final class CliFailure extends RuntimeException {

    CliFailure(String message) {
        super(message);
    }
}
