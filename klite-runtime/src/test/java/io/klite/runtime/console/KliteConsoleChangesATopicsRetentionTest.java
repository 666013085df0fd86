package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.log.TopicConfig;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.api.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A topic's retention is changed through the topic view's form: confirmed in the page's dialog, which names the new
 * retention, the topic gets it (in the file, in GET /topics/{topic}/config, in the topic and topics views);
 * cancelled, the page says so and nothing is written.
 */
class KliteConsoleChangesATopicsRetentionTest extends ConsoleTest {

    /** orders and payments: 5 and 2 messages, no retention. */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 1);
            file.sendBatch("orders", 0, List.of("1", "2", "3", "4", "5"));
            file.createTopic("payments", 1);
            file.sendBatch("payments", 0, List.of("1", "2"));
        }
        start(Map.of());
    }

    @Test
    void aConfirmedChangeGivesTheTopicItsNewRetention() throws Exception {
        open("/topics/orders", "topic");
        assertThat(browser.text("#retention")).isEqualTo("none (kept until deleted)");

        fillIn("7d", "1000", true);
        browser.find("button#retention-save").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        assertThat(browser.text("#confirm-text")).contains("7d, 1000 messages, keeps unconsumed");
        assertThat(klite.file().topicConfig("orders")).as("nothing written before the confirmation")
                .isEqualTo(new TopicConfig(null, null, false));
        browser.find("#confirm-ok").click();

        browser.until("the new retention", d -> browser.text("#retention").equals("7d, 1000 messages, keeps unconsumed"));
        assertThat(browser.text("#notice")).contains("orders").contains("7d");
        assertThat(browser.text("#error")).isEmpty();
        assertThat(new ApiClient(klite.api()).get("/topics/orders/config").json().toString()).isEqualTo(
                "{\"topic\":\"orders\",\"retention\":{\"age\":\"7d\",\"messages\":1000,\"keepUnconsumed\":true}}");
        assertThat(klite.file().topicConfig("orders")).isEqualTo(new TopicConfig(Duration.ofDays(7), 1000L, true));
        assertThat(klite.file().endOffset("orders", 0) - klite.file().startOffset("orders", 0) + 1)
                .as("every message still kept").isEqualTo(5);

        open("/topics", "topics");
        assertThat(browser.text(cell("table#topics tr[data-topic=\"orders\"]", "retention")))
                .isEqualTo("7d, 1000 messages, keeps unconsumed");
        assertThat(browser.text(cell("table#topics tr[data-topic=\"payments\"]", "retention")))
                .isEqualTo("none (kept until deleted)");
    }

    @Test
    void aCancelledChangeWritesNothing() throws Exception {
        open("/topics/payments", "topic");
        var before = FileSnapshot.of(database());

        fillIn("1d", "", false);
        browser.find("button#retention-save").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-cancel").click();

        // the cancelled action has ended: its notice, where a confirmed one would have sent the PUT
        browser.until("the notice of the cancel", d -> browser.text("#notice").equals("Retention unchanged."));
        assertThat(FileSnapshot.of(database())).as("every table of the file").isEqualTo(before);
        assertThat(new ApiClient(klite.api()).get("/topics/payments/config").json().get("retention").toString())
                .isEqualTo("{\"age\":null,\"messages\":null,\"keepUnconsumed\":false}");
        open("/topics/payments", "topic");
        assertThat(browser.text("#retention")).isEqualTo("none (kept until deleted)");
    }

    /** Types the form's age and messages (replacing what they show) and sets its keep-unconsumed box. */
    private static void fillIn(String age, String messages, boolean keepUnconsumed) {
        browser.find("input#retention-age").clear();
        browser.find("input#retention-age").sendKeys(age);
        browser.find("input#retention-messages").clear();
        browser.find("input#retention-messages").sendKeys(messages);
        if (browser.find("input#retention-keep").isSelected() != keepUnconsumed) {
            browser.find("input#retention-keep").click();
        }
    }
}
