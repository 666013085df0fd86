package io.klite.runtime.admin;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The one reading of a time that the API and the admin CLI take (a read or a reset from a time): ISO-8601 with
 * {@code Z} or an offset, such as {@code 2026-12-01T10:00:00Z}; each caller words its own refusal, telling a time
 * without a zone ({@link #lacksZone}) from what is no time at all.
 */
public final class IsoTimes {

    private IsoTimes() {
    }

    /** The instant of an ISO-8601 time with {@code Z} or an offset; empty where the text is not one. */
    public static Optional<Instant> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Whether the text is an ISO-8601 date and time without a zone, which cannot name an instant. */
    public static boolean lacksZone(String text) {
        try {
            LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
