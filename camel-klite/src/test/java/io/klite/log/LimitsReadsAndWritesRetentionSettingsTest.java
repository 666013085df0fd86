package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A retention age is read from a whole number above 0 with ms, s, m, h or d, and written back in the largest unit
 * that holds it exactly, so what a user wrote reads back the same; a retention count is a whole number of at least 1.
 * Anything else is refused with a message naming the value and the accepted form. Worker intervals keep their own
 * form (no h or d).
 */
class LimitsReadsAndWritesRetentionSettingsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            500ms, 500
            1ms,   1
            45s,   45000
            30m,   1800000
            12h,   43200000
            7d,    604800000
            007d,  604800000
            """)
    void anAgeReadsInItsUnit(String text, long millis) {
        assertThat(Limits.retentionAge("", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"5x", "-1d", "0s", "0ms", "000h", "7", "d", "7 d", " 7d", "7d ", "7D", "1.5h", "1w", "7dd",
                            ""})
    void aMalformedAgeIsRefusedNamingItAndTheForm(String text) {
        assertThatThrownBy(() -> Limits.retentionAge("Invalid age for topic 'orders': ", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid age for topic 'orders': '" + text + "' is not a retention age; use a whole number"
                            + " above 0 with ms, s, m, h or d, such as 500ms, 45s, 30m, 12h or 7d");
    }

    @Test
    void aMissingAgeIsRefused() {
        assertThatThrownBy(() -> Limits.retentionAge("", null)).hasMessageStartingWith("'null' is not a retention age");
    }

    @Test
    void anAgeOverAHundredYearsIsRefused() {
        assertThat(Limits.retentionAge("", "36500d")).isEqualTo(Duration.ofDays(36_500));
        assertThat(Limits.retentionAge("", "876000h")).isEqualTo(Duration.ofDays(36_500));

        for (String text : new String[] {"36501d", "2000000d", "9223372036854775808ms", "99999999999999999999s"}) {
            assertThatThrownBy(() -> Limits.retentionAge("", text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + text + "' is not a retention age: it is over 36500d (100 years); leave the age"
                                + " out for no age limit");
        }
        assertThatThrownBy(() -> new TopicConfig(Duration.ofSeconds(Long.MAX_VALUE), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 36500 days");
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource(textBlock = """
            604800000, 7d
            129600000, 36h
            5400000,   90m
            90000,     90s
            1500,      1500ms
            1,         1ms
            86400000,  1d
            3600000,   1h
            """)
    void anAgeIsWrittenInTheLargestUnitThatHoldsItExactly(long millis, String text) {
        assertThat(Limits.formatRetentionAge(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500ms", "45s", "30m", "12h", "7d", "36h", "90m", "1500ms", "36500d"})
    void whatAUserWroteReadsBackTheSame(String text) {
        assertThat(Limits.formatRetentionAge(Limits.retentionAge("", text))).isEqualTo(text);
    }

    @Test
    void anAgeBelowOneMillisecondIsNotWritten() {
        assertThatThrownBy(() -> Limits.formatRetentionAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A retention age is at least 1ms, not PT0S");
        assertThatThrownBy(() -> Limits.formatRetentionAge(Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void workerIntervalsKeepTheirOwnForm() {
        assertThat(Limits.duration("", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> Limits.duration("", "1h")).hasMessage("'1h' is not a duration; " + Limits.DURATION_RULE);
        assertThatThrownBy(() -> Limits.duration("", "7d")).hasMessage("'7d' is not a duration; " + Limits.DURATION_RULE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            1,                   1
            1000000,             1000000
            0010,                10
            9223372036854775807, 9223372036854775807
            """)
    void aCountReadsAsAWholeNumber(String text, long count) {
        assertThat(Limits.retentionMessages("", text)).isEqualTo(count);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "-3", "ten", "1.5", "1e6", "1_000", " 5", "+5", ""})
    void aBadCountIsRefusedNamingItAndTheRange(String text) {
        assertThatThrownBy(() -> Limits.retentionMessages("Invalid messages: ", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid messages: '" + text + "' is not a message count; allowed: a whole number of at"
                            + " least 1 (the newest messages each partition keeps)");
    }

    @Test
    void aCountOverTheLargestLongIsRefused() {
        assertThatThrownBy(() -> Limits.retentionMessages("", "9223372036854775808"))
                .hasMessageStartingWith("'9223372036854775808' is not a message count: it is over 9223372036854775807;");
        assertThatThrownBy(() -> Limits.retentionMessages("", "123456789012345678901"))
                .hasMessageStartingWith("'123456789012345678901' is not a message count: it is over");
        assertThatThrownBy(() -> Limits.retentionMessages("", 0L)).hasMessageStartingWith("'0' is not a message count");
    }
}
