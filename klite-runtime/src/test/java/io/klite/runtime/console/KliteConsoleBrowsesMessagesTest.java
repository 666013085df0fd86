package io.klite.runtime.console;

import static io.klite.runtime.console.KliteConsoleShowsEachViewTest.textContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The message browser: from the topics table a user clicks through to a topic and one of its partitions and sees
 * its messages (offset, key, headers, time, the payload as pretty JSON, text as it is, other bytes as base64), 20 a
 * page; jumps to an offset or to a time (the first message written at or after it); pages forward and back. What
 * the page shows is what the file holds. A view left before its data came (a second address set at once) never
 * shows up: the page holds the last view's content only.
 */
class KliteConsoleBrowsesMessagesTest extends ConsoleTest {

    /** events partition 1: offsets 1..45, offset n written at 10:00 plus n minutes, key event-n. */
    private static final int EVENTS = 45;

    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("events", 2);
            file.send("events", 0, "{\"kind\":\"json\",\"list\":[1,2]}");
            file.send("events", 0, "plain text, <b>not</b> JSON");
            file.send("events", 0, new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x41});
            for (int n = 1; n <= EVENTS; n++) {
                file.send("events", 1, "event-" + n, Map.of("source", "shop", "n", String.valueOf(n)),
                        "{\"event\":" + n + ",\"name\":\"event " + n + "\"}");
            }
        }
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + database());
                PreparedStatement written = file.prepareStatement("UPDATE events_1 SET created = ? WHERE id = ?")) {
            for (int n = 1; n <= EVENTS; n++) {
                written.setString(1, "2026-11-30 %02d:%02d:00".formatted(10 + n / 60, n % 60));
                written.setInt(2, n);
                written.executeUpdate();
            }
        }
        start(Map.of());
    }

    @Test
    void aClickThroughFromTheTopicsShowsThePartitionsMessagesAsTheFileHoldsThem() {
        open("/topics", "topics");
        browser.find("table#topics tr[data-topic=\"events\"] [data-field=\"name\"] a").click();
        browser.waitForView("topic");
        browser.find("table#partitions tr[data-partition=\"1\"] a.browse").click();
        browser.waitForView("messages");

        List<WebElement> shown = browser.findAll("#messages article.message");
        assertThat(shown).hasSize(20);
        long first = Long.parseLong(shown.get(0).getAttribute("data-offset"));
        assertThat(shown).extracting(m -> Long.parseLong(m.getAttribute("data-offset")))
                .containsExactlyElementsOf(LongStream.range(first, first + 20).boxed().toList());
        for (Message message : klite.file().read("events", 1, first - 1, 20)) {
            assertShows(message);
        }
        assertThat(textContent(browser.find("#messages article.message[data-offset=\"" + first + "\"] pre.payload")))
                .isEqualTo("{\n  \"event\": " + first + ",\n  \"name\": \"event " + first + "\"\n}");
        browser.screenshot("messages-browsed");
    }

    @Test
    void jumpsToAnOffsetAndToATimeAndPagesForwardAndBack() {
        open("/topics/events/partitions/1", "messages");

        browser.find("input#jump-offset").sendKeys("7");
        browser.find("button#jump-go").click();
        waitForOffsets(7, 26);
        assertShows(klite.file().read("events", 1, 6, 1).get(0));

        browser.find("button#next-page").click();
        waitForOffsets(27, EVENTS);
        browser.find("button#prev-page").click();
        waitForOffsets(7, 26);

        // 10:30:30 is after event 30 (10:30) and before event 31 (10:31)
        browser.find("input#jump-offset").clear();
        browser.find("input#jump-time").sendKeys("2026-11-30T10:30:30Z");
        browser.find("button#jump-go").click();
        waitForOffsets(31, EVENTS);
        assertShows(klite.file().read("events", 1, 30, 1).get(0));
    }

    @Test
    void anAddressWithAnOffsetOrATimeOpensThere() {
        open("/topics/events/partitions/1?from=40", "messages");
        waitForOffsets(40, EVENTS);

        open("/topics/events/partitions/1?time=2026-11-30T10:02:00Z", "messages");
        waitForOffsets(2, 21);
    }

    @Test
    void textIsShownAsItIsAndOtherBytesAsBase64() {
        open("/topics/events/partitions/0", "messages");

        String article = "#messages article.message[data-offset=\"%d\"] pre.payload";
        assertThat(textContent(browser.find(article.formatted(1))))
                .isEqualTo("{\n  \"kind\": \"json\",\n  \"list\": [\n    1,\n    2\n  ]\n}");
        assertThat(textContent(browser.find(article.formatted(2)))).isEqualTo("plain text, <b>not</b> JSON");
        assertThat(browser.findAll("#messages b")).isEmpty();
        WebElement binary = browser.find(article.formatted(3));
        assertThat(binary.getAttribute("data-encoding")).isEqualTo("base64");
        assertThat(textContent(binary)).isEqualTo(Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x41}));
        assertThat(browser.find(article.formatted(1)).getAttribute("data-encoding")).isNull();
    }

    /** Waits until the page lists exactly the messages {@code first} to {@code last}, in order. */
    @Test
    void aViewLeftBeforeItsDataCameNeverShowsInTheNext() {
        // one partition's messages, and at once another's: only the second is ever drawn
        open("/topics", "topics");
        browser.script("location.hash = '#/topics/events/partitions/0';"
                       + " location.hash = '#/topics/events/partitions/1?from=7';");
        browser.until("partition 1 from offset 7", d -> browser.shows("messages")
                && "7".equals(browser.find("#messages article.message").getAttribute("data-offset")));
        assertOnlyView(List.of("Partition 1"), () -> Boolean.TRUE.equals(browser.script(
                "return [...document.querySelectorAll('#messages article.message')]"
                + ".every((article, i) => article.dataset.offset === String(7 + i))"
                + " && document.querySelectorAll('#messages').length === 1")));

        // a partition's messages, and at once the stuck partitions
        open("/topics", "topics");
        browser.script("location.hash = '#/topics/events/partitions/0'; location.hash = '#/stuck';");
        browser.waitForView("stuck");
        assertOnlyView(List.of("Stuck partitions"), () -> browser.findAll("#messages, article.message").isEmpty()
                && browser.findAll("table#stuck").size() == 1);
    }

    /**
     * The page shows exactly the headings {@code headings}, and {@code alsoTrue} holds, for a second and a half
     * after the last view was drawn: time for a view that was left to have had its answers.
     */
    private static void assertOnlyView(List<String> headings, java.util.concurrent.Callable<Boolean> alsoTrue) {
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(browser.script("return [...document.querySelectorAll('h1')].map((h1) => h1.textContent)"))
                    .as("the page's h1 headings").isEqualTo(headings);
            assertThat(alsoTrue.call()).as("the last view's content only").isTrue();
        });
    }

    private static void waitForOffsets(long first, long last) {
        List<String> wanted = LongStream.rangeClosed(first, last).mapToObj(String::valueOf).toList();
        browser.until("messages " + first + " to " + last, d -> browser.shows("messages")
                && browser.findAll("#messages article.message").stream().map(m -> m.getAttribute("data-offset"))
                        .toList().equals(wanted));
    }

    /** The message's offset, key, headers, time and payload (JSON, pretty-printed) are in its article. */
    private static void assertShows(Message message) {
        String article = "#messages article.message[data-offset=\"" + message.offset() + "\"]";
        assertThat(browser.text(article + " .offset")).contains(String.valueOf(message.offset()));
        assertThat(browser.text(article + " .key")).contains(message.key());
        assertThat(browser.find(article + " .headers").getTagName()).isEqualTo("dl");
        assertThat(browser.text(article + " .headers")).contains("source", "shop", "n",
                message.headers().get("n"));
        assertThat(browser.text(article + " .created")).contains(message.created());
        assertThat(textContent(browser.find(article + " pre.payload")))
                .isEqualTo("{\n  \"event\": %d,\n  \"name\": \"event %d\"\n}".formatted(message.offset(),
                        message.offset()));
        assertThat(new String(message.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"event\":%d,\"name\":\"event %d\"}".formatted(message.offset(), message.offset()));
    }
}
