package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read skips fetching a null key, or a {@code created} text equal to the last one read, inside SQLite; each
 * message must still carry exactly its own row's key and time, whatever the rows hold and however reads are cut.
 */
class KliteLogReadsEachRowsKeyAndTimeTest extends LogTestSupport {

    private static final String[][] ROWS = {
        {"2026-11-26 10:00:00", null},
        {"2026-11-26 10:00:00", "customer-1"},
        {"2026-11-26 10:00:00", null},
        {null, null},
        {"2026-11-26 10:00:01", "customer-2"},
        {"2026-11-26 10:00:00", null},
        {"1764151200", null},
        {"2026-11-26 10:00:01", ""},
        {"2026-11-26T10:00:01.500Z", null},
        {"2026-11-26 10:00:01", null},
    };

    @Test
    void createdTextsThatTheColumnsCollationCallsEqualStayApart() throws Exception {
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("CREATE TABLE \"shouty_0\" (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL,"
                    + " created DATETIME COLLATE NOCASE DEFAULT CURRENT_TIMESTAMP)");
            for (String created : new String[] {"2026-11-26t10:00:00", "2026-11-26T10:00:00", "2026-11-26T10:00:00"}) {
                other.exec("INSERT INTO \"shouty_0\" (data, created) VALUES (x'7b7d', ?)", created);
            }
        }
        for (int cut : new int[] {1, 3}) {
            List<String> read = new ArrayList<>();
            for (long after = 0; after < 3; after += cut) {
                log.read("shouty", 0, after, cut).forEach(message -> read.add(message.created()));
            }
            assertThat(read).as("read %d at a time", cut)
                    .containsExactly("2026-11-26t10:00:00", "2026-11-26T10:00:00", "2026-11-26T10:00:00");
        }
    }

    @Test
    void everyMessageHasItsRowsKeyAndCreatedHoweverTheReadsAreCut() throws Exception {
        log.createTopic("orders", 1);
        try (Jdbc other = new Jdbc(log.path())) {
            for (String[] row : ROWS) {
                other.exec("INSERT INTO \"orders_0\" (data, created, key) VALUES (x'7b7d', ?, ?)", row[0], row[1]);
            }
            // one column of integer type too, as another program may store epoch seconds
            other.exec("UPDATE \"orders_0\" SET created = CAST(created AS INTEGER) WHERE id = 7");
            List<String> expected = other.strings("SELECT coalesce(key, '<null>') || ' @ ' || coalesce(created, '<null>')"
                    + " FROM \"orders_0\" ORDER BY id");

            for (int cut : new int[] {1, 2, 3, 10}) {
                List<String> read = new ArrayList<>();
                for (long after = 0; after < ROWS.length; after += cut) {
                    for (Message message : log.read("orders", 0, after, cut)) {
                        read.add((message.key() == null ? "<null>" : message.key()) + " @ "
                                + (message.created() == null ? "<null>" : message.created()));
                    }
                }
                assertThat(read).as("read %d at a time", cut).containsExactlyElementsOf(expected);
                List<Message> fetched = log.fetch("group-" + cut, "orders", 0, cut);
                assertThat(fetched).extracting(Message::created)
                        .containsExactlyElementsOf(expected.subList(0, cut).stream()
                                .map(row -> row.substring(row.indexOf(" @ ") + 3))
                                .map(created -> created.equals("<null>") ? null : created).toList());
            }
        }
    }
}
