package io.klite.runtime.console;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.log.Message;
import io.klite.log.TopicConfig;
import io.klite.runtime.HttpSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * Each view of the console, opened by its address on a service with data, shows what the file holds: topics with
 * their partitions, stored messages, end offsets and retention; a topic's partitions; a partition's messages; the
 * groups with their lag and members; a group's partitions and members; the partitions a worker cannot deliver (its
 * endpoint answers 500), with attempts and last error; the dead letters of a worker whose endpoint refused a batch
 * (400); a topic of 1,000 partitions in the topics view. Each view is written as
 * target/console-screenshots/&lt;view&gt;.png.
 */
class KliteConsoleShowsEachViewTest extends ConsoleTest {

    private static final String DOWN = "{\"error\": \"database down\"}";
    private static final String REFUSED = "{\"error\": \"payment 1 is invalid\"}";
    /** A topic of 1,000 partitions, one message in its first and two in its last. */
    private static final String WIDE = "wide";
    private static final int WIDE_PARTITIONS = 1000;
    private static HttpSink sink;

    /**
     * orders (2 partitions, 5 and 3 messages, retention 7d): group billing is a worker on both whose endpoint answers
     * 500, group audit committed 3 and 1. payments (2 messages): group ledger is a worker whose endpoint answers 400,
     * so both went to payments.dlq.
     */
    @BeforeAll
    static void startWithData() throws Exception {
        try (KliteLog file = KliteLog.open(database())) {
            file.createTopic("orders", 2);
            for (int order = 1; order <= 5; order++) {
                file.send("orders", 0, "customer-" + order, Map.of("source", "shop"),
                        "{\"order\":" + order + ",\"items\":[\"book\",\"pen\"]}");
            }
            file.sendBatch("orders", 1, List.of("{\"order\":6}", "{\"order\":7}", "{\"order\":8}"));
            file.configureTopic("orders", new TopicConfig(Duration.ofDays(7), null, false));
            file.commit("audit", "orders", 0, 3);
            file.commit("audit", "orders", 1, 1);
            file.createTopic("payments", 1);
            file.sendBatch("payments", 0, List.of("{\"payment\":1}", "{\"payment\":2}"));
            file.createTopic(WIDE, WIDE_PARTITIONS);
            file.send(WIDE, 0, "first");
            file.sendBatch(WIDE, WIDE_PARTITIONS - 1, List.of("last", "last again"));
        }
        sink = HttpSink.start(request -> {
            boolean down = request.pathAndQuery.startsWith("/down");
            request.answerBody = (down ? DOWN : REFUSED).getBytes(StandardCharsets.UTF_8);
            return down ? 500 : 400;
        });
        Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0, 1], endpoint: "%s", interval: 100ms, maxInterval: 10m }
                  payments:
                    consumerGroups:
                      ledger: { partitions: [0], endpoint: "%s", maxAttempts: 3, interval: 100ms }
                """.formatted(sink.url("/down"), sink.url("/refuse")));
        start(Map.of("klite.workers", workers.toString()));
        await().atMost(20, SECONDS).until(() -> klite.file().deliveryAttempts("billing", "orders").size() == 2
                && klite.file().committed("ledger", "payments", 0).orElse(0) == 2);
    }

    @AfterAll
    static void stopSink() {
        sink.close();
    }

    @Test
    void topicsShowsEachTopicsPartitionsMessagesEndOffsetsAndRetention() {
        open("/topics", "topics");

        String orders = "table#topics tr[data-topic=\"orders\"]";
        assertThat(browser.text(cell(orders, "name"))).isEqualTo("orders");
        assertThat(browser.find(cell(orders, "name") + " a").getAttribute("href")).endsWith("#/topics/orders");
        assertThat(browser.text(cell(orders, "partitions"))).isEqualTo("2");
        assertThat(browser.text(cell(orders, "messages"))).isEqualTo(String.valueOf(stored("orders")));
        assertThat(browser.text(cell(orders, "endOffsets")).replace(" ", "")).isEqualTo(endOffsets("orders"))
                .isEqualTo("5,3");
        assertThat(browser.text(cell(orders, "retention"))).contains("7d");
        String dlq = "table#topics tr[data-topic=\"payments.dlq\"]";
        assertThat(browser.text(cell(dlq, "endOffsets")).replace(" ", "")).isEqualTo(endOffsets("payments.dlq")).isEqualTo("2");
        assertThat(browser.findAll("table#topics tr[data-topic]")).extracting(row -> row.getAttribute("data-topic"))
                .containsExactlyInAnyOrder("orders", "payments", "payments.dlq", WIDE);
        browser.screenshot("topics");
    }

    @Test
    void aTopicOf1000PartitionsShowsInTheTopicsView() {
        open("/topics", "topics");

        String wide = "table#topics tr[data-topic=\"" + WIDE + "\"]";
        assertThat(browser.text(cell(wide, "partitions"))).isEqualTo("1000");
        assertThat(browser.text(cell(wide, "messages"))).isEqualTo("3");
        // 1 for partition 0, 2 for 999, 0 for each in between
        assertThat(browser.text(cell(wide, "endOffsets")).replace(" ", ""))
                .isEqualTo("1," + "0,".repeat(WIDE_PARTITIONS - 2) + "2");

        browser.screenshot("topics-with-1000-partitions");
    }

    @Test
    void topicShowsEachPartitionsOffsetsAndALinkToItsMessages() {
        open("/topics/orders", "topic");

        for (int partition = 0; partition < 2; partition++) {
            String row = "table#partitions tr[data-partition=\"" + partition + "\"]";
            long start = klite.file().startOffset("orders", partition);
            long end = klite.file().endOffset("orders", partition);
            assertThat(browser.text(cell(row, "startOffset"))).isEqualTo(String.valueOf(start)).isEqualTo("1");
            assertThat(browser.text(cell(row, "endOffset"))).isEqualTo(String.valueOf(end));
            assertThat(browser.text(cell(row, "messages"))).isEqualTo(String.valueOf(end - start + 1));
            assertThat(browser.find(row + " a.browse").getAttribute("href"))
                    .endsWith("#/topics/orders/partitions/" + partition);
        }
        assertThat(browser.text("#retention")).contains("7d");
        browser.screenshot("topic");
    }

    @Test
    void messagesShowsAPartitionsMessagesWithKeyHeadersTimeAndPrettyJson() {
        open("/topics/orders/partitions/0", "messages");

        List<Message> stored = klite.file().read("orders", 0, 0, 10);
        assertThat(browser.findAll("#messages article.message")).extracting(m -> m.getAttribute("data-offset"))
                .containsExactly("1", "2", "3", "4", "5");
        for (Message message : stored) {
            String article = "#messages article.message[data-offset=\"" + message.offset() + "\"]";
            assertThat(browser.text(article + " .offset")).contains(String.valueOf(message.offset()));
            assertThat(browser.text(article + " .key")).contains(message.key());
            assertThat(browser.text(article + " .headers")).contains("source").contains("shop");
            assertThat(browser.text(article + " .created")).contains(message.created());
            assertThat(textContent(browser.find(article + " pre.payload"))).isEqualTo("""
                    {
                      "order": %d,
                      "items": [
                        "book",
                        "pen"
                      ]
                    }""".formatted(message.offset()));
        }
        browser.screenshot("messages");
    }

    @Test
    void groupsShowsEachGroupsTopicsLagAndMembers() {
        open("/groups", "groups");

        assertThat(browser.findAll("table#groups tr[data-group]")).extracting(row -> row.getAttribute("data-group"))
                .containsExactlyInAnyOrder("audit", "billing", "ledger");
        for (String group : List.of("audit", "billing", "ledger")) {
            String row = "table#groups tr[data-group=\"" + group + "\"]";
            assertThat(browser.text(cell(row, "name"))).isEqualTo(group);
            assertThat(browser.text(cell(row, "topics"))).isEqualTo(group.equals("ledger") ? "payments" : "orders");
            assertThat(browser.text(cell(row, "lag"))).as(group).isEqualTo(String.valueOf(lag(group)));
            assertThat(browser.text(cell(row, "members"))).as(group).isEqualTo(String.valueOf(
                    klite.file().liveMembers().stream().filter(m -> m.group().equals(group)).map(Member::memberId)
                            .distinct().count()));
        }
        assertThat(lag("audit")).isEqualTo(2 + 2);
        assertThat(lag("billing")).isEqualTo(5 + 3);
        browser.screenshot("groups");
    }

    @Test
    void groupShowsEachPartitionsOffsetsLagAndHolderAndTheLiveMembers() {
        open("/groups/billing", "group");

        List<Member> members = klite.file().liveMembers("billing", "orders");
        assertThat(members).hasSize(2);
        for (int partition = 0; partition < 2; partition++) {
            String row = "table#group-partitions tr[data-topic=\"orders\"][data-partition=\"" + partition + "\"]";
            assertThat(browser.text(cell(row, "endOffset")))
                    .isEqualTo(String.valueOf(klite.file().endOffset("orders", partition)));
            assertThat(browser.text(cell(row, "lag")))
                    .isEqualTo(String.valueOf(klite.file().lag("billing", "orders", partition)));
            assertThat(browser.text(cell(row, "committedOffset"))).doesNotContainPattern("[0-9]");
            int held = partition;
            String holder = klite.file().groupPartitions("billing").stream().filter(p -> p.partition() == held)
                    .findFirst().orElseThrow().holder();
            // the holder's id, or its start where it is shown shortened
            assertThat(browser.text(cell(row, "holder"))).contains(holder.substring(0, 8));
        }
        assertThat(browser.findAll("table#members tr[data-member]")).extracting(row -> row.getAttribute("data-member"))
                .containsExactlyInAnyOrderElementsOf(members.stream().map(Member::memberId).toList());
        for (Member member : members) {
            String row = "table#members tr[data-member=\"" + member.memberId() + "\"]";
            assertThat(browser.text(cell(row, "description"))).isEqualTo(member.description());
            assertThat(browser.text(cell(row, "topic"))).isEqualTo("orders");
            assertThat(browser.text(cell(row, "partitions")))
                    .isEqualTo(String.valueOf(member.partitions().get(0)));
        }
        browser.screenshot("group");
    }

    @Test
    void stuckShowsEachPartitionAWorkerCannotDeliverWithAttemptsAndLastError() {
        open("/stuck", "stuck");

        List<DeliveryAttempts> stuck = klite.file().deliveryAttempts("billing", "orders");
        assertThat(browser.findAll("table#stuck tr[data-group]")).hasSize(2);
        for (DeliveryAttempts failing : stuck) {
            String row = "table#stuck tr[data-group=\"billing\"][data-topic=\"orders\"][data-partition=\""
                         + failing.partition() + "\"]";
            assertThat(browser.text(cell(row, "offsets")))
                    .isEqualTo(failing.firstOffset() + ".." + failing.lastOffset());
            assertThat(browser.text(cell(row, "lastError"))).isEqualTo(failing.lastError()).isEqualTo(
                    "io.klite.runtime.worker.HttpAnswerFailure: HTTP 500 Internal Server Error, answer: " + DOWN);
            assertThat(browser.text(cell(row, "since"))).contains(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(ZoneOffset.UTC).format(failing.firstFailedAt()));
        }
        assertThat(stuck).extracting(row -> row.firstOffset() + ".." + row.lastOffset())
                .containsExactlyInAnyOrder("1..5", "1..3");
        // the worker keeps trying (ever less often): the page shows the file's count as of its last refresh
        await().atMost(15, SECONDS).untilAsserted(() -> {
            for (DeliveryAttempts failing : klite.file().deliveryAttempts("billing", "orders")) {
                assertThat(browser.text(cell("table#stuck tr[data-partition=\"" + failing.partition() + "\"]",
                        "attempts"))).isEqualTo(String.valueOf(failing.attempts()));
            }
        });
        browser.screenshot("stuck");
    }

    @Test
    void deadLettersShowsEachDeadLetterWhereItCameFromWhyAndItsPayload() {
        open("/dead-letters", "dead-letters");

        assertThat(browser.find("select#dlq-topic").getDomProperty("value")).isEqualTo("payments.dlq");
        List<Message> deadLetters = klite.file().read("payments.dlq", 0, 0, 10);
        assertThat(browser.findAll("table#dead-letters tr[data-offset]")).extracting(r -> r.getAttribute("data-offset"))
                .containsExactly("1", "2");
        for (Message deadLetter : deadLetters) {
            Map<String, String> headers = deadLetter.headers();
            String row = "table#dead-letters tr[data-partition=\"0\"][data-offset=\"" + deadLetter.offset() + "\"]";
            assertThat(browser.text(cell(row, "originalTopic"))).isEqualTo(headers.get("klite.original.topic"))
                    .isEqualTo("payments");
            assertThat(browser.text(cell(row, "originalPartition"))).isEqualTo("0");
            assertThat(browser.text(cell(row, "originalOffset"))).isEqualTo(headers.get("klite.original.offset"));
            assertThat(browser.text(cell(row, "group"))).isEqualTo("ledger");
            assertThat(browser.text(cell(row, "attempts"))).isEqualTo(headers.get("klite.attempts")).isEqualTo("1");
            assertThat(browser.text(cell(row, "error"))).contains(headers.get("klite.exception.message"))
                    .contains("HTTP 400 Bad Request, answer: " + REFUSED);
            assertThat(browser.text(cell(row, "redriven"))).isEqualTo("no");
            // the payload's JSON, however spaced
            assertThat(browser.text(cell(row, "payload")).replaceAll("\\s", ""))
                    .isEqualTo(new String(deadLetter.payload(), StandardCharsets.UTF_8));
            assertThat(browser.findAll(row + " button.redrive")).hasSize(1);
        }
        assertThat(browser.find("button#redrive-all").isEnabled()).isTrue();
        browser.screenshot("dead-letters");
    }

    private static String endOffsets(String topic) {
        StringBuilder offsets = new StringBuilder();
        for (int partition = 0; partition < klite.file().partitionCount(topic); partition++) {
            offsets.append(partition == 0 ? "" : ",").append(klite.file().endOffset(topic, partition));
        }
        return offsets.toString();
    }

    private static long stored(String topic) {
        long stored = 0;
        for (int partition = 0; partition < klite.file().partitionCount(topic); partition++) {
            stored += klite.file().endOffset(topic, partition) - klite.file().startOffset(topic, partition) + 1;
        }
        return stored;
    }

    /** The group's total lag, from the file. */
    private static long lag(String group) {
        return klite.file().groupPartitions(group).stream().mapToLong(p -> p.lag()).sum();
    }

    /** The element's text exactly as in the DOM, whitespace kept. */
    static String textContent(WebElement element) {
        return element.getDomProperty("textContent");
    }
}
