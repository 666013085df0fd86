package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import io.klite.log.Member;
import io.klite.runtime.OffsetRows;
import io.klite.runtime.api.ApiClient;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * groups list, describe and delete on the file of a running service that consumes meanwhile: the columns of
 * kafka-consumer-groups --describe in Klite's offsets, "-" where a group never committed (its lag then counted from
 * the partition's start) or no member holds the partition; the JSON of the HTTP API; delete removes a group and refuses
 * one with live members or none known.
 */
class KliteCliDescribesAndDeletesGroupsTest extends RunningServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** billing committed 2 on orders 0 and never on 1, where a delivery of offset 1 failed; audit committed 3 on 0. */
    private void ordersWithGroups() {
        KliteLog file = klite.file();
        file.createTopic("orders", 2);
        file.sendBatch("orders", 0, List.of("a", "b", "c", "d"));
        file.sendBatch("orders", 1, List.of("a", "b"));
        file.commit("billing", "orders", 0, 2);
        file.deliveryAttempt("billing", "orders", 1, 1, 1, 1, "HTTP 500");
        file.commit("audit", "orders", 0, 3);
    }

    @Test
    void describesAGroupAsKafkaConsumerGroupsDoesInKlitesOffsets() throws Exception {
        ordersWithGroups();

        Cli.Run described = Cli.on(database, "groups", "describe", "--group", "billing");

        assertThat(described.exit()).as(described.toString()).isZero();
        assertThat(described.out()).isEqualTo("""
                GROUP    TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  MEMBER-ID
                billing  orders  0          2               4               2    -
                billing  orders  1          -               2               2    -
                """);
        Cli.Run json = Cli.on(database, "groups", "describe", "--group", "billing", "--output", "json");
        assertThat(JSON.readTree(json.out())).isEqualTo(new ApiClient(klite.api()).get("/groups/billing").json());
        assertThat(json.out()).startsWith("{\"group\":\"billing\",\"topics\":[{\"topic\":\"orders\",\"partitions\":["
                + "{\"partition\":0,\"committedOffset\":2,\"endOffset\":4,\"lag\":2,\"memberId\":null},"
                + "{\"partition\":1,\"committedOffset\":null,\"endOffset\":2,\"lag\":2,\"memberId\":null}]");
    }

    @Test
    void listsEveryGroupWithTheLiveMemberHoldingEachPartition() {
        ordersWithGroups();
        Member member = klite.file().liveMembers("service", TRAFFIC).get(0);

        Cli.Run listed = Cli.on(database, "groups", "list");

        assertThat(listed.exit()).as(listed.toString()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("GROUP    TOPIC    PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  MEMBER-ID");
        assertThat(lines.subList(1, 4)).containsExactly(
                "audit    orders   0          3               4               1    -",
                "billing  orders   0          2               4               2    -",
                "billing  orders   1          -               2               2    -");
        assertThat(lines.get(4)).matches("service  traffic  0          \\d+ +\\d+ +\\d+ +" + member.memberId());

        Cli.Run described = Cli.on(database, "groups", "describe", "--group", "service");
        assertThat(described.out()).contains("\n\nGROUP    TOPIC    MEMBER-ID  ")
                .containsPattern("service +traffic +" + Pattern.quote(member.memberId()) + " +"
                        + Pattern.quote(member.description()) + " +0 +");
        awaitTrafficGoesOn();
    }

    @Test
    void deletesAGroupAndRefusesOneWithLiveMembersOrUnknown() throws Exception {
        ordersWithGroups();

        Cli.Run deleted = Cli.on(database, "groups", "delete", "--group", "billing", "--output", "json");
        Cli.Run unknown = Cli.on(database, "groups", "delete", "--group", "billing");
        Cli.Run live = Cli.on(database, "groups", "delete", "--group", "service");

        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEqualTo("{\"group\":\"billing\",\"partitions\":1}\n");
        assertThat(OffsetRows.ofGroup(database, "billing")).isEmpty();
        assertThat(klite.file().deliveryAttempts("billing", "orders")).isEmpty();
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Group 'billing' does not exist: the file has no committed offset, live"
                + " member, lease or failed delivery of it; 'groups list' lists the groups\n");
        assertThat(live.exit()).isEqualTo(1);
        assertThat(live.err()).contains("live member").contains("service").hasLineCount(1);
        assertThat(OffsetRows.ofGroup(database, "service")).isNotEmpty();
        assertThat(OffsetRows.ofGroup(database, "audit")).containsExactly("orders|0|3");
        awaitTrafficGoesOn();
    }
}
