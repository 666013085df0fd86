package io.klite.log;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message read from a partition. Two messages are equal when all fields are, the payload compared by content.
 *
 * @param offset  its offset: the row id, strictly increasing within the partition
 * @param payload the stored bytes (a row another program wrote as TEXT reads back as its UTF-8 bytes)
 * @param key     the message key, or {@code null}
 * @param created the row's {@code created} value exactly as stored, normally SQLite's UTC
 *                {@code YYYY-MM-DD HH:MM:SS}; {@code null} where the writer stored none
 */
public record Message(long offset, byte[] payload, String key, String created) {

    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    public Message {
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The {@code created} time as an instant, read as UTC like SQLite's {@code CURRENT_TIMESTAMP}; {@code null}
     * where there is none or it is not in SQLite's date-time format.
     */
    public Instant timestamp() {
        if (created == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(created.replace('T', ' '), SQLITE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notSqliteTime) {
            return null;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message m && offset == m.offset && Arrays.equals(payload, m.payload)
                && Objects.equals(key, m.key) && Objects.equals(created, m.created);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, Arrays.hashCode(payload), key, created);
    }

    @Override
    public String toString() {
        return "Message[offset=" + offset + ", key=" + key + ", created=" + created + ", " + payload.length + " bytes]";
    }
}
