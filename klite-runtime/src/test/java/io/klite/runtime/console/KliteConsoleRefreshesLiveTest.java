package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.runtime.api.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live views read their figures again every 2 s without reloading the page: messages produced through the API
 * while the topics view is open show in its end offsets, and in the lag of the groups and group views; a commit by
 * another program brings the lag down.
 */
class KliteConsoleRefreshesLiveTest extends ConsoleTest {

    /** orders: partition 0 holds offsets 1..3, partition 1 none; billing committed 3 on partition 0. */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 2);
            file.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}", "{\"order\":3}"));
            file.commit("billing", "orders", 0, 3);
        }
        start(Map.of());
    }

    @Test
    void theTopicsViewShowsNewEndOffsets() throws Exception {
        open("/topics", "topics");
        String endOffsets = cell("table#topics tr[data-topic=\"orders\"]", "endOffsets");
        assertThat(browser.text(endOffsets).replace(" ", "")).isEqualTo(endOffsets());
        markThePage();

        produce(0, 2);
        produce(1, 1);

        browser.until("the new end offsets", d -> browser.text(endOffsets).replace(" ", "").equals(endOffsets()));
        assertThat(endOffsets()).isEqualTo(klite.file().endOffset("orders", 0) + ",1");
        assertSamePage();
    }

    @Test
    void theGroupsAndGroupViewsShowTheLagAsItGrowsAndShrinks() throws Exception {
        open("/groups", "groups");
        String lag = cell("table#groups tr[data-group=\"billing\"]", "lag");
        assertThat(browser.text(lag)).isEqualTo(String.valueOf(klite.file().lag("billing", "orders", 0)));
        markThePage();

        produce(0, 3);
        browser.until("the lag grown", d -> browser.text(lag).equals(
                String.valueOf(klite.file().lag("billing", "orders", 0))) && !browser.text(lag).equals("0"));
        assertSamePage();

        open("/groups/billing", "group");
        String partitionLag = cell("table#group-partitions tr[data-topic=\"orders\"][data-partition=\"0\"]", "lag");
        assertThat(browser.text(partitionLag)).isEqualTo(String.valueOf(klite.file().lag("billing", "orders", 0)));
        markThePage();
        klite.file().commit("billing", "orders", 0, klite.file().endOffset("orders", 0));
        browser.until("no lag after the commit", d -> browser.text(partitionLag).equals("0"));
        assertSamePage();
    }

    /** Produces {@code count} messages to a partition of orders through the HTTP API. */
    private static void produce(int partition, int count) throws Exception {
        ApiClient api = new ApiClient(klite.api());
        for (int i = 0; i < count; i++) {
            assertThat(api.post("/topics/orders/messages?partition=" + partition, "{\"live\":" + i + "}").status())
                    .isEqualTo(201);
        }
    }

    private static String endOffsets() {
        return klite.file().endOffset("orders", 0) + "," + klite.file().endOffset("orders", 1);
    }

    /** Marks the page's window: a reload would lose the mark. */
    private static void markThePage() {
        browser.script("window.__notReloaded = document.querySelector('main#view').getAttribute('data-refreshes');");
    }

    /** The page was not reloaded, and the view refreshed since it was marked. */
    private static void assertSamePage() {
        Object marked = browser.script("return window.__notReloaded");
        assertThat(marked).as("the mark of the page").isNotNull();
        assertThat(Integer.parseInt(browser.find("main#view").getAttribute("data-refreshes")))
                .isGreaterThan(Integer.parseInt(String.valueOf(marked)));
    }
}
