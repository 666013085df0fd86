package io.klite.runtime.api;

import static io.klite.runtime.api.ApiExchange.answer;

import io.klite.camel.consumer.FailingPartitions;
import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.runtime.admin.OffsetReset;
import io.klite.runtime.api.ApiExchange.Answer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer groups' part of the API: {@code GET /groups}, {@code GET /groups/{group}},
 * {@code POST /groups/{group}/reset}, {@code DELETE /groups/{group}} and {@code GET /stuck-partitions}, on the component's shared log of the database
 * file. Invariants: a reset is a dry run, writing nothing, unless the request says {@code "execute": true}; an executed
 * reset is one transaction of the log, refused (409) while live members of the group consume the topic unless forced;
 * a refused request has written nothing.
 */
final class GroupsApi {

    private static final Logger LOG = LoggerFactory.getLogger(GroupsApi.class);

    /** The component's shared log of the database file, held by {@link TopicsApi} while the API runs. */
    private final Supplier<KliteLog> log;

    GroupsApi(Supplier<KliteLog> log) {
        this.log = log;
    }

    /** Every partition a known group consumes, with committed offset and lag, live members and who holds what. */
    void listGroups(Exchange exchange) {
        answer(exchange, () -> new Answer(200, GroupsJson.list(groups())));
    }

    /**
     * Every partition a group has failed to deliver and not committed past, by group, topic and partition:
     * {@code [{"group","topic","partition","firstOffset","lastOffset","attempts","lastError","firstFailedAt",
     * "lastFailedAt"}]}, the times ISO-8601 UTC: each row with at least one attempt that ended without delivering
     * ({@link FailingPartitions#hasFailed}), the last error the latest failure's (an attempt counted as it starts
     * keeps it), also while the next attempt runs after a restart; not a lone first attempt counted as it started.
     */
    void listStuckPartitions(Exchange exchange) {
        answer(exchange, () -> {
            List<Map<String, Object>> stuck = new ArrayList<>();
            for (DeliveryAttempts row : log.get().deliveryAttempts()) {
                if (FailingPartitions.hasFailed(row)) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("group", row.group());
                    json.put("topic", row.topic());
                    json.put("partition", row.partition());
                    json.put("firstOffset", row.firstOffset());
                    json.put("lastOffset", row.lastOffset());
                    json.put("attempts", row.attempts());
                    json.put("lastError", row.lastError());
                    json.put("firstFailedAt", row.firstFailedAt() == null ? null : row.firstFailedAt().toString());
                    json.put("lastFailedAt", row.lastFailedAt() == null ? null : row.lastFailedAt().toString());
                    stuck.add(json);
                }
            }
            return new Answer(200, stuck);
        });
    }

    /** The group's topics, partitions and live members; 404 where the file knows nothing of it. */
    void describeGroup(Exchange exchange) {
        answer(exchange, () -> {
            String group = group(exchange);
            Map<String, Object> json = GroupsJson.describe(group, groups());
            if (json == null) {
                throw unknown(group);
            }
            return new Answer(200, json);
        });
    }

    /**
     * Works out where the body's {@code to} puts each partition of the topic (or the one it names), checks it lies in
     * {@code startOffset..endOffset + 1}, and, with {@code "execute": true}, resets the group there in one
     * transaction ({@link OffsetReset}, shared with the admin CLI).
     */
    void resetGroup(Exchange exchange) {
        answer(exchange, () -> {
            String group = group(exchange);
            ResetRequest request = ResetRequest.read(JsonBody.read(exchange, "send the reset, such as "
                    + ResetRequest.EXAMPLE));
            OffsetReset reset = OffsetReset.plan(log.get(), group, request.topic(),
                    request.partition() == null ? List.of() : List.of(request.partition()), request.to());
            if (request.execute()) {
                reset = reset.execute(log.get(), request.force());
                LOG.info("Group '{}' reset on topic '{}'{}: {}", group, reset.topic(),
                        request.force() ? " (forced: the partitions' leases revoked)" : "", reset.describe());
            }
            return new Answer(200, reset.json(request.execute()));
        });
    }

    /** Removes the group's committed offsets (and its failure counts, members and leases); 409 while it has members. */
    void deleteGroup(Exchange exchange) {
        answer(exchange, () -> {
            String group = group(exchange);
            if (log.get().groupPartitions(group).isEmpty()) {
                throw unknown(group);
            }
            int removed = log.get().deleteGroup(group);
            LOG.info("Group '{}' deleted: its committed offsets on {} partition(s)", group, removed);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", group);
            json.put("partitions", removed);
            return new Answer(200, json);
        });
    }

    private List<GroupsJson.GroupTopic> groups() {
        return GroupsJson.of(log.get().groupPartitions(), log.get().liveMembers());
    }

    private static ApiException unknown(String group) {
        return new ApiException(404, "Group '" + group + "' does not exist: it has no committed offset, live member,"
                + " lease or failed delivery; GET /groups lists the groups");
    }

    /** The group of a {@code /groups/{group}...} request, decoded from the path and checked. */
    private static String group(Exchange exchange) {
        String group = ApiExchange.pathSegment(exchange, 2); // a group name may hold a +, which in a path is itself
        try {
            return KliteLog.validateGroup(group);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
