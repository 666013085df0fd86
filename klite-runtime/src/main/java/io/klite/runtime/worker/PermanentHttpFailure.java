package io.klite.runtime.worker;

import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * An endpoint's answer that posting the same batch again cannot change: a 4xx status other than 408 (Request
 * Timeout), 425 (Too Early) and 429 (Too Many Requests), from a worker with {@code deadLetterOn4xx}. A worker route's
 * {@code klite:} consumer lists this class in {@code nonRetryableExceptions}, so such a batch goes to the dead-letter
 * topic at once where {@code maxAttempts} is above 0 (and is posted again, like any failure, where it is 0).
 */
public final class PermanentHttpFailure extends HttpAnswerFailure {

    private static final long serialVersionUID = 1L;

    PermanentHttpFailure(HttpOperationFailedException answer) {
        super(answer);
    }

    /** Whether an answer's status says that the batch will never be accepted: 4xx other than 408, 425 and 429. */
    static boolean isPermanent(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
    }
}
