package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.runtime.OffsetRows;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * A group's offsets are reset through the group view's form: the preview opens the page's confirmation dialog with
 * the plan and writes nothing; confirmed, the group moves there, in the file and in the page's lag; cancelled,
 * the page says so and nothing changes. A reset the service refuses (409: a live member of the group consumes the
 * topic) shows the service's reason and writes nothing; forced, it moves the group.
 */
class KliteConsoleResetsAGroupsOffsetTest extends ConsoleTest {

    /**
     * orders: partition 0 holds offsets 1..10, partition 1 holds 1..4; billing committed 8 and 4: lag 2 and 0;
     * shipping committed 10 and 4 and has a live member on both partitions.
     */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 2);
            file.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
            file.sendBatch("orders", 1, List.of("a", "b", "c", "d"));
            file.commit("billing", "orders", 0, 8);
            file.commit("billing", "orders", 1, 4);
            file.commit("shipping", "orders", 0, 10);
            file.commit("shipping", "orders", 1, 4);
            file.heartbeat("shipping", "orders", "shipping-member", "host-a pid 42", List.of(0, 1),
                    Duration.ofMinutes(30));
        }
        start(Map.of());
    }

    @Test
    void aConfirmedResetToAnOffsetMovesTheGroupInTheFileAndThePage() throws Exception {
        open("/groups/billing", "group");
        String partition0 = "table#group-partitions tr[data-topic=\"orders\"][data-partition=\"0\"]";
        assertThat(browser.text(cell(partition0, "lag"))).isEqualTo("2");

        fillIn("orders", "0", "offset");
        browser.find("input#reset-value").sendKeys("4");
        browser.find("button#reset-preview").click();

        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        // the plan: partition 0 from committed 8 to 3, the next delivered 4
        assertThat(browser.text("#confirm-text")).contains("orders").contains("8").contains("3").contains("4");
        assertThat(OffsetRows.ofGroup(klite.database(), "billing")).as("a preview writes nothing")
                .containsExactly("orders|0|8", "orders|1|4");
        browser.screenshot("group-reset-confirm");
        browser.find("#confirm-ok").click();

        browser.until("lag 7 after the reset", d -> browser.text(cell(partition0, "lag")).equals("7"));
        assertThat(browser.text(cell(partition0, "committedOffset"))).isEqualTo("3");
        assertThat(browser.find("dialog#confirm").isDisplayed()).isFalse();
        assertThat(browser.text("#notice")).isNotBlank();
        assertThat(klite.file().committed("billing", "orders", 0)).hasValue(3);
        assertThat(OffsetRows.ofGroup(klite.database(), "billing")).containsExactly("orders|0|3", "orders|1|4");

        open("/groups", "groups");
        assertThat(browser.text(cell("table#groups tr[data-group=\"billing\"]", "lag"))).isEqualTo("7");
    }

    @Test
    void aCancelledResetChangesNothing() throws Exception {
        open("/groups/billing", "group");
        List<String> rows = OffsetRows.of(klite.database());
        String lags = lags();

        fillIn("orders", "all", "earliest");
        browser.find("button#reset-preview").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-cancel").click();

        // the cancelled action has ended: its notice, where a confirmed one would have posted
        browser.until("the notice of the cancel", d -> browser.text("#notice").equals("Reset cancelled; nothing changed."));
        assertThat(browser.find("dialog#confirm").isDisplayed()).isFalse();
        assertThat(OffsetRows.of(klite.database())).as("the file's consumer_offsets rows").isEqualTo(rows);
        // a refresh or two later, the page still shows the same lag
        int refreshes = refreshes();
        browser.until("a refresh", d -> refreshes() > refreshes);
        assertThat(lags()).isEqualTo(lags);
        assertThat(OffsetRows.of(klite.database())).isEqualTo(rows);
    }

    @Test
    void aResetRefusedForALiveMemberShowsWhyAndForcedItMovesTheGroup() throws Exception {
        open("/groups/shipping", "group");
        List<String> rows = OffsetRows.of(klite.database());
        String partition0 = "table#group-partitions tr[data-topic=\"orders\"][data-partition=\"0\"]";

        fillIn("orders", "0", "earliest");
        browser.find("button#reset-preview").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-ok").click();

        // the service's 409, as it gave it
        browser.until("the refusal", d -> browser.text("#error").contains("live member"));
        assertThat(browser.text("#error")).contains("'shipping'").contains("'orders'").contains("host-a pid 42")
                .contains("force the reset");
        assertThat(browser.find("dialog#confirm").isDisplayed()).isFalse();
        assertThat(OffsetRows.of(klite.database())).as("a refused reset writes nothing").isEqualTo(rows);
        assertThat(browser.text(cell(partition0, "committedOffset"))).isEqualTo("10");
        browser.screenshot("group-reset-refused");

        browser.find("input#reset-force").click();
        browser.find("button#reset-preview").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        assertThat(browser.text("#error")).as("the refusal cleared by the next action").isEmpty();
        browser.find("#confirm-ok").click();

        browser.until("committed 0 after the forced reset", d -> browser.text(cell(partition0, "committedOffset"))
                .equals("0"));
        assertThat(browser.text("#error")).isEmpty();
        assertThat(browser.text("#notice")).contains("shipping").contains("orders");
        assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|0", "orders|1|4");
        assertThat(klite.file().leases("shipping", "orders")).as("the member's lease of partition 0 revoked")
                .noneMatch(lease -> lease.partition() == 0 && "shipping-member".equals(lease.memberId()));
    }

    private static void fillIn(String topic, String partition, String to) {
        new Select(browser.find("select#reset-topic")).selectByValue(topic);
        new Select(browser.find("select#reset-partition")).selectByValue(partition);
        new Select(browser.find("select#reset-to")).selectByValue(to);
    }

    private static String lags() {
        return browser.text(cell("table#group-partitions tr[data-partition=\"0\"]", "lag")) + ","
               + browser.text(cell("table#group-partitions tr[data-partition=\"1\"]", "lag"));
    }

    private static int refreshes() {
        return Integer.parseInt(browser.find("main#view").getAttribute("data-refreshes"));
    }
}
