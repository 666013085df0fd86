package io.klite.runtime.console;

import static io.klite.runtime.console.KliteConsoleShowsEachViewTest.textContent;
import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Whatever the file holds is shown as text, never run or parsed as markup: a payload, key, header name and value,
 * last error, dead letter's error and payload, member description and group name holding {@code <script>} and an
 * {@code <img onerror>} show those tags literally (in the tables, a view's heading, the confirmation dialog of a reset
 * and of a redrive, and the notice), no such element is created, and neither script runs.
 */
class KliteConsoleShowsUserDataAsTextTest extends ConsoleTest {

    private static final String SCRIPT = "<script>window.__xss=1</script>";
    private static final String IMG = "<img src=x onerror=\"window.__xss=2\">";
    /** A group name may be any text: this one is both tags. */
    private static final String TAGGED = SCRIPT + IMG;

    /**
     * Topic xss: offset 1 a text payload, offset 2 a JSON one, both with the tags in key and headers; group billing
     * failed to deliver offset 1 (the error holds the tags) and has a live member described with them; group audit
     * dead-lettered offset 1 to xss.dlq with the tags in its error; the group named with both tags committed 2.
     */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("xss", 1);
            file.send("xss", 0, SCRIPT, Map.of("note", IMG, IMG, SCRIPT), SCRIPT + IMG);
            file.send("xss", 0, IMG, Map.of("note", SCRIPT), "{\"html\":\"" + SCRIPT + IMG.replace("\"", "\\\"")
                                                                + "\"}");
            file.deliveryAttempt("billing", "xss", 0, 1, 2, 1, "java.io.IOException: " + SCRIPT + IMG);
            file.heartbeat("billing", "xss", "member-" + SCRIPT.length(), "host " + SCRIPT + IMG, List.of(0),
                    Duration.ofMinutes(30));
            file.deadLetter(new DeadLetter("audit", "xss", 0, file.read("xss", 0, 0, 1), "xss.dlq", 1,
                    "java.lang.IllegalStateException", "refused " + SCRIPT + IMG, Instant.now()));
            file.commit(TAGGED, "xss", 0, 2);
        }
        start(Map.of());
    }

    @AfterEach
    void nothingRanAndNoElementWasMade() {
        // window.__xss stays unset while the Content-Security-Policy holds, whatever got into the page: the DOM is
        // what shows that nothing did
        assertThat(browser.script("return typeof window.__xss")).as("window.__xss").isEqualTo("undefined");
        assertThat(browser.findAll("main#view img, main#view script, #error img, #error script, #notice img,"
                                   + " #notice script, dialog#confirm img, dialog#confirm script")).isEmpty();
    }

    @Test
    void aMessagesPayloadKeyAndHeadersShowTheirTagsAsText() {
        open("/topics/xss/partitions/0", "messages");

        String first = "#messages article.message[data-offset=\"1\"]";
        assertThat(textContent(browser.find(first + " pre.payload"))).isEqualTo(SCRIPT + IMG);
        assertThat(browser.text(first + " .key")).contains(SCRIPT);
        assertThat(browser.text(first + " .headers")).contains("note", IMG, SCRIPT);
        String second = "#messages article.message[data-offset=\"2\"]";
        assertThat(textContent(browser.find(second + " pre.payload"))).contains("\"html\": ").contains(SCRIPT)
                .contains(IMG.replace("\"", "\\\""));
        assertThat(browser.text(second + " .key")).contains(IMG);
        assertThat(browser.text(second + " .headers")).contains(SCRIPT);
        browser.screenshot("messages-as-text");
    }

    @Test
    void aStuckPartitionsLastErrorShowsItsTagsAsText() {
        open("/stuck", "stuck");

        assertThat(browser.text(cell("table#stuck tr[data-group=\"billing\"][data-topic=\"xss\"][data-partition=\"0\"]",
                "lastError"))).isEqualTo("java.io.IOException: " + SCRIPT + IMG);
    }

    @Test
    void aDeadLettersErrorAndPayloadShowTheirTagsAsText() {
        // the redriven ones too: another test redrives it
        open("/dead-letters/xss.dlq?all=true", "dead-letters");

        String row = "table#dead-letters tr[data-partition=\"0\"][data-offset=\"1\"]";
        assertThat(browser.text(cell(row, "error"))).contains("refused " + SCRIPT + IMG);
        assertThat(browser.text(cell(row, "payload"))).contains(SCRIPT + IMG);
    }

    @Test
    void aGroupNamedWithTagsShowsThemAsTextInTheGroupsTableTheGroupViewAndTheResetDialog() {
        open("/groups", "groups");
        WebElement row = browser.findAll("table#groups tr[data-group]").stream()
                .filter(candidate -> TAGGED.equals(candidate.getAttribute("data-group"))).findFirst().orElseThrow();
        assertThat(row.findElement(By.cssSelector("[data-field=\"name\"]")).getText()).isEqualTo(TAGGED);
        assertThat(row.findElements(By.cssSelector("img, script"))).isEmpty();

        open("/groups/" + URLEncoder.encode(TAGGED, StandardCharsets.UTF_8).replace("+", "%20"), "group");
        assertThat(browser.text("main#view h1")).isEqualTo(TAGGED);
        new Select(browser.find("select#reset-topic")).selectByValue("xss");
        new Select(browser.find("select#reset-partition")).selectByValue("all");
        new Select(browser.find("select#reset-to")).selectByValue("earliest");
        browser.find("button#reset-preview").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());

        assertThat(browser.text("#confirm-title")).contains(TAGGED);
        assertThat(browser.text("#confirm-text")).contains("Group " + TAGGED + " on topic xss");
        assertThat(browser.findAll("dialog#confirm img, dialog#confirm script")).isEmpty();
        browser.screenshot("reset-dialog-as-text");
        browser.find("#confirm-ok").click();

        browser.until("the reset's notice", d -> browser.text("#notice").contains("reset on topic xss"));
        assertThat(browser.text("#notice")).contains("Group " + TAGGED + " reset");
        assertThat(klite.file().committed(TAGGED, "xss", 0)).hasValue(0);
    }

    @Test
    void aDeadLetterRedrivenThroughTheDialogShowsNoMarkup() {
        open("/dead-letters/xss.dlq", "dead-letters");
        String row = "table#dead-letters tr[data-partition=\"0\"][data-offset=\"1\"]";

        browser.find(row + " button.redrive").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        assertThat(browser.text("#confirm-title")).contains("xss.dlq");
        assertThat(browser.findAll("dialog#confirm img, dialog#confirm script")).isEmpty();
        browser.find("#confirm-ok").click();

        browser.until("the redrive's notice", d -> browser.text("#notice").startsWith("Redrove 1 dead letter"));
        // the copy back in xss, its payload still text
        long copy = klite.file().endOffset("xss", 0);
        assertThat(copy).isEqualTo(3);
        open("/topics/xss/partitions/0?from=" + copy, "messages");
        assertThat(textContent(browser.find("#messages article.message[data-offset=\"3\"] pre.payload")))
                .isEqualTo(SCRIPT + IMG);
    }

    @Test
    void aMembersDescriptionShowsItsTagsAsText() {
        open("/groups/billing", "group");

        assertThat(browser.text(cell("table#members tr[data-member]", "description")))
                .isEqualTo("host " + SCRIPT + IMG);
    }
}
