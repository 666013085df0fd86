package io.klite.runtime.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.HttpSink;
import io.klite.runtime.OffsetRows;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * In a real browser, a page of another site cannot change anything through the service, and a page reached by
 * another name than a loopback one (DNS rebinding) gets nothing: the reproduced attack (a {@code no-cors} fetch of an
 * untyped Blob that resets a group, another that redrives dead letters) and a plain form posting a message, from a
 * page of http://evil.example, write nothing, the form's answer naming the page's Origin; the console opened as
 * http://evil.example:&lt;port&gt; is refused. The console itself, opened as http://localhost:&lt;port&gt; as well as
 * http://127.0.0.1:&lt;port&gt; (the other tests), still resets a group.
 */
class KliteConsoleKeepsOtherSitesOutTest extends ConsoleTest {

    private static HttpSink otherSite;

    /** orders: partition 0 holds offsets 1..3; shipping committed 3; orders.dlq holds offset 2, dead-lettered. */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 1);
            file.sendBatch("orders", 0, List.of("a", "b", "c"));
            file.commit("shipping", "orders", 0, 3);
            file.deadLetter(new DeadLetter("billing", "orders", 0, file.read("orders", 0, 1, 1), "orders.dlq", 5,
                    "java.io.IOException", "connection refused", Instant.now()));
        }
        start(Map.of());
        String klitePort = String.valueOf(URI.create(klite.api()).getPort());
        // the other site's pages; the service is addressed as 127.0.0.1, where it takes requests
        String service = "http://127.0.0.1:" + klitePort;
        otherSite = HttpSink.start(request -> {
            String page = request.pathAndQuery.startsWith("/fetch") ? """
                    <!DOCTYPE html><title>fetching</title><script>
                    Promise.allSettled([
                      fetch('%1$s/groups/shipping/reset', {method: 'POST', mode: 'no-cors', body:
                        new Blob(['{"topic":"orders","to":"earliest","execute":true,"force":true}'])}),
                      fetch('%1$s/topics/orders.dlq/dead-letters/redrive', {method: 'POST', mode: 'no-cors',
                        body: new Blob(['{}'])})
                    ]).then((results) => { document.title = 'sent: ' + results.map((r) => r.status).join(', '); });
                    </script>""".formatted(service) : """
                    <!DOCTYPE html><title>form</title>
                    <form method="post" enctype="text/plain" action="%s/topics/orders/messages">
                    <input name="order" value="written by another site"></form>
                    <script>document.forms[0].submit();</script>""".formatted(service);
            request.answerHeaders.put("Content-Type", "text/html; charset=utf-8");
            request.answerBody = page.getBytes(StandardCharsets.UTF_8);
            return 200;
        });
    }

    @AfterAll
    static void stopOtherSite() {
        otherSite.close();
    }

    @Test
    void aPageOfAnotherSiteChangesNothing() throws Exception {
        var before = FileSnapshot.of(database());
        List<String> offsets = OffsetRows.of(database());
        String page = "http://" + Browser.OTHER_SITE + ":" + otherSite.port();

        browser.load(page + "/fetch");
        // both fetches went out and were answered: a no-cors answer is opaque to the page, but it is an answer
        browser.until("both requests answered", d -> "sent: fulfilled, fulfilled".equals(d.getTitle()));
        assertThat(OffsetRows.of(database())).as("the file's consumer_offsets rows").isEqualTo(offsets);

        browser.load(page + "/form");
        // the form's answer is a page of its own: the service's refusal
        browser.until("the form's answer", d -> d.getCurrentUrl().endsWith("/topics/orders/messages")
                && browser.text("body").contains("Refused POST"));
        assertThat(browser.text("body")).contains("from Origin '" + page + "'").contains("only from its own pages");

        assertThat(FileSnapshot.of(database())).as("every table of the file").isEqualTo(before);
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(3);
    }

    @Test
    void theConsoleReachedByAnotherNameThanLoopbackIsRefused() {
        String port = String.valueOf(URI.create(klite.api()).getPort());

        // as a page of evil.example sees it once the name leads to 127.0.0.1
        browser.load("about:blank");
        browser.load("http://" + Browser.OTHER_SITE + ":" + port + "/console");

        assertThat(browser.text("body")).contains("Refused GET /console addressed to Host '" + Browser.OTHER_SITE
                                                  + ":" + port + "'").contains("DNS rebinding");
        assertThat(browser.findAll("main#view")).as("no console").isEmpty();
    }

    @Test
    void theConsoleOpenedAsLocalhostStillResetsAGroup() throws Exception {
        String console = "http://localhost:" + URI.create(klite.api()).getPort() + "/console/#/groups/shipping";
        browser.load("about:blank");
        browser.load(console);
        browser.waitForView("group");

        new Select(browser.find("select#reset-topic")).selectByValue("orders");
        new Select(browser.find("select#reset-partition")).selectByValue("0");
        new Select(browser.find("select#reset-to")).selectByValue("offset");
        browser.find("input#reset-value").sendKeys("2");
        browser.find("button#reset-preview").click();
        browser.until("the confirmation dialog", d -> browser.find("dialog#confirm").isDisplayed());
        browser.find("#confirm-ok").click();

        String partition0 = "table#group-partitions tr[data-topic=\"orders\"][data-partition=\"0\"]";
        browser.until("committed 1 after the reset", d -> browser.text(cell(partition0, "committedOffset"))
                .equals("1"));
        assertThat(browser.text("#error")).isEmpty();
        assertThat(OffsetRows.ofGroup(database(), "shipping")).containsExactly("orders|0|1");
    }
}
