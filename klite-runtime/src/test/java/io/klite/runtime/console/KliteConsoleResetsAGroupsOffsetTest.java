package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.runtime.OffsetRows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * A group's offsets are reset through the group view's form: the preview opens the page's confirmation dialog with
 * the plan and writes nothing; confirmed, the group moves there, in the file and in the page's lag; cancelled,
 * nothing changes.
 */
class KliteConsoleResetsAGroupsOffsetTest extends ConsoleTest {

    /** orders: partition 0 holds offsets 1..10, partition 1 holds 1..4; billing committed 8 and 4: lag 2 and 0. */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 2);
            file.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
            file.sendBatch("orders", 1, List.of("a", "b", "c", "d"));
            file.commit("billing", "orders", 0, 8);
            file.commit("billing", "orders", 1, 4);
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

        browser.until("the dialog closed", d -> !browser.find("dialog#confirm").isDisplayed());
        assertThat(OffsetRows.of(klite.database())).as("the file's consumer_offsets rows").isEqualTo(rows);
        // a refresh or two later, the page still shows the same lag
        int refreshes = refreshes();
        browser.until("a refresh", d -> refreshes() > refreshes);
        assertThat(lags()).isEqualTo(lags);
        assertThat(OffsetRows.of(klite.database())).isEqualTo(rows);
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
