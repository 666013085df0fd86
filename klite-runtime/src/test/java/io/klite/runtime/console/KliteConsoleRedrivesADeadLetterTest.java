package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.FileSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * Dead letters are redriven through the dead-letters view: a row's redrive button, confirmed in the page's dialog,
 * copies that dead letter (and any pending before it) back to the topic and partition it came from, key, payload and
 * headers kept, once; the page then shows it as redriven. Cancelled (its button or Escape), the page says so and
 * nothing is written.
 */
class KliteConsoleRedrivesADeadLetterTest extends ConsoleTest {

    /** What the page says where the user cancelled a redrive. */
    private static final String CANCELLED = "Redrive cancelled; nothing changed.";

    /**
     * orders offsets 2, 3 and 4 (of 1..4) are orders.dlq's 1, 2 and 3; payments offset 1 is payments.dlq's 1; each
     * group committed past what it dead-lettered.
     */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            for (String topic : List.of("orders", "payments")) {
                file.createTopic(topic, 1);
                for (int n = 1; n <= 4; n++) {
                    file.send(topic, 0, topic + "-" + n, Map.of("source", "shop"), "{\"n\":" + n + "}");
                }
            }
            for (Message message : file.read("orders", 0, 1, 3)) {
                file.deadLetter(new DeadLetter("billing", "orders", 0, List.of(message), "orders.dlq", 5,
                        "java.io.IOException", "connection refused", Instant.now()));
            }
            file.deadLetter(new DeadLetter("ledger", "payments", 0, file.read("payments", 0, 0, 1), "payments.dlq", 1,
                    "java.lang.IllegalStateException", "no such account", Instant.now()));
        }
        start(Map.of());
    }

    @Test
    void aConfirmedRedriveCopiesTheDeadLetterBackOnceAndShowsItRedriven() {
        open("/dead-letters/orders.dlq", "dead-letters");
        assertThat(browser.findAll("table#dead-letters tr[data-offset]")).extracting(r -> r.getAttribute("data-offset"))
                .containsExactly("1", "2", "3");

        browser.find(row(1) + " button.redrive").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        assertThat(klite.file().endOffset("orders", 0)).as("nothing written before the confirmation").isEqualTo(4);
        browser.find("#confirm-ok").click();

        browser.until("dead letter 1 gone from the pending ones", d -> browser.shows("dead-letters")
                && browser.findAll(row(1)).isEmpty() && !browser.findAll(row(2)).isEmpty());
        assertThat(browser.text("#notice")).isNotBlank();
        List<Message> orders = klite.file().read("orders", 0, 4, 10);
        assertThat(orders).hasSize(1);
        assertRedriven(orders.get(0), 2);
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(1);

        browser.find("input#dlq-all").click();
        browser.until("the redriven one listed too", d -> browser.shows("dead-letters")
                && !browser.findAll(row(1)).isEmpty());
        assertThat(browser.text(cell(row(1), "redriven"))).isEqualTo("yes");
        assertThat(browser.findAll(row(1) + " button.redrive")).isEmpty();
        assertThat(browser.text(cell(row(2), "redriven"))).isEqualTo("no");
        assertThat(browser.text(cell(row(3), "redriven"))).isEqualTo("no");

        // the last one's button redrives every pending one through it
        browser.find(row(3) + " button.redrive").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-ok").click();
        browser.until("dead letters 2 and 3 redriven", d -> browser.shows("dead-letters")
                && browser.findAll("table#dead-letters tr[data-offset] [data-field=\"redriven\"]").stream()
                        .allMatch(cell -> cell.getText().equals("yes")));
        assertThat(browser.findAll("table#dead-letters tr[data-offset]")).hasSize(3);
        browser.screenshot("dead-letters-redriven");
        orders = klite.file().read("orders", 0, 4, 10);
        assertThat(orders).hasSize(3);
        assertRedriven(orders.get(1), 3);
        assertRedriven(orders.get(2), 4);
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(3);
    }

    @Test
    void aCancelledRedriveWritesNothing() throws Exception {
        open("/dead-letters/payments.dlq", "dead-letters");
        var before = FileSnapshot.of(database());

        browser.find("button#redrive-all").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-cancel").click();
        // the cancelled action has ended: its notice, where a confirmed one would have posted
        browser.until("the notice of the cancel", d -> browser.text("#notice").equals(CANCELLED));
        assertThat(browser.find("dialog#confirm").isDisplayed()).isFalse();
        assertThat(browser.text("#error")).isEmpty();

        assertThat(FileSnapshot.of(database())).as("every table of the file").isEqualTo(before);
        assertThat(klite.file().endOffset("payments", 0)).isEqualTo(4);
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "payments.dlq", 0)).isEmpty();
        // read again from the service: still pending
        open("/dead-letters/payments.dlq", "dead-letters");
        assertThat(browser.text(cell("table#dead-letters tr[data-offset=\"1\"]", "redriven"))).isEqualTo("no");
        assertThat(browser.findAll("table#dead-letters tr[data-offset=\"1\"] button.redrive")).hasSize(1);

        // a row's button, cancelled with Escape
        browser.find(row(1) + " button.redrive").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        browser.until("the notice of the cancel", d -> browser.text("#notice").equals(CANCELLED));
        assertThat(FileSnapshot.of(database())).as("every table of the file").isEqualTo(before);
    }

    private static String row(long offset) {
        return "table#dead-letters tr[data-partition=\"0\"][data-offset=\"" + offset + "\"]";
    }

    /** A copy of orders offset {@code n}: its key, payload and headers, without the dead-letter headers. */
    private static void assertRedriven(Message copy, int n) {
        assertThat(copy.key()).isEqualTo("orders-" + n);
        assertThat(new String(copy.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + n + "}");
        assertThat(copy.headers()).isEqualTo(Map.of("source", "shop"));
    }
}
