package io.klite.runtime.worker;

import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * An endpoint's answer other than 2xx to a worker's POST: what a worker route's exchange fails with, so that a
 * dead-lettered batch's {@code klite.exception.class} and {@code klite.exception.message} say what the endpoint
 * answered. Invariant: its message is the status and the start of the answer on one line, such as {@code HTTP 422
 * Unprocessable Entity, answer: {"error":"no such customer"}}, never the endpoint's URL, whose query may hold a
 * secret; it has no cause, so that it is the root cause the consumer records as the attempt's last error (in the
 * file's {@code klite_delivery_attempts} and the health check): camel-http's {@link HttpOperationFailedException},
 * whose message names the URL, is only a suppressed exception of it, for the stack trace at DEBUG.
 */
public class HttpAnswerFailure extends Exception {

    private static final long serialVersionUID = 1L;

    HttpAnswerFailure(HttpOperationFailedException answer) {
        super(WorkerFailures.reason(answer, null));
        addSuppressed(answer);
    }

    /**
     * The failure an answer is: a {@link PermanentHttpFailure} where the worker dead-letters such answers at once
     * ({@code deadLetterOn4xx}), else one to post the batch again for.
     */
    static HttpAnswerFailure of(HttpOperationFailedException answer, HttpWorker worker) {
        return worker.deadLetterOn4xx() && PermanentHttpFailure.isPermanent(answer.getStatusCode())
                ? new PermanentHttpFailure(answer) : new HttpAnswerFailure(answer);
    }
}
