package io.klite.runtime.api;

import static io.klite.runtime.api.ApiExchange.answer;

import io.klite.log.KliteLog;
import io.klite.log.TopicPartition;
import io.klite.runtime.api.ApiExchange.Answer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer groups' part of the API: {@code GET /groups}, {@code GET /groups/{group}},
 * {@code POST /groups/{group}/reset} and {@code DELETE /groups/{group}}, on the component's shared log of the database
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
     * transaction.
     */
    void resetGroup(Exchange exchange) {
        answer(exchange, () -> {
            String group = group(exchange);
            ResetRequest request = ResetRequest.read(JsonBody.read(exchange, "send the reset, such as "
                    + ResetRequest.EXAMPLE));
            String topic = TopicPartition.validateTopic(request.topic());
            int count = log.get().partitionCount(topic);
            if (count == 0) {
                throw new ApiException(404, "Topic '" + topic + "' does not exist");
            }
            List<Integer> partitions = new ArrayList<>();
            if (request.partition() == null) {
                for (int partition = 0; partition < count; partition++) {
                    partitions.add(partition);
                }
            } else if (request.partition() >= count) {
                throw new TopicPartition(topic, request.partition()).outOfRange(true, count);
            } else {
                partitions.add(request.partition());
            }

            Map<Integer, Long> newCommitted = new TreeMap<>();
            Map<Integer, Long> committed = new TreeMap<>();
            for (int partition : partitions) {
                long start = log.get().startOffset(topic, partition);
                long end = log.get().endOffset(topic, partition);
                long next = request.to().nextOffset(log.get(), topic, partition, start, end);
                if (next < start || next > end + 1) {
                    throw new ApiException(400, "Cannot reset group '" + group + "' on topic '" + topic
                            + "' partition " + partition + " to offset " + next + ": the next offset to deliver must"
                            + " be within " + start + ".." + (end + 1) + " (startOffset " + start + " to endOffset "
                            + end + " + 1)");
                }
                newCommitted.put(partition, next - 1);
                committed.put(partition, log.get().committed(group, topic, partition).orElse(0));
            }
            if (request.execute()) {
                committed = log.get().resetOffsets(group, topic, newCommitted, request.force());
                LOG.info("Group '{}' reset on topic '{}'{}: committed offsets by partition {}, before {}", group,
                        topic, request.force() ? " (forced: the partitions' leases revoked)" : "", newCommitted,
                        committed);
            }

            List<Map<String, Object>> rows = new ArrayList<>();
            for (int partition : partitions) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", partition);
                row.put("committedOffset", committed.get(partition));
                row.put("newCommittedOffset", newCommitted.get(partition));
                row.put("nextOffset", newCommitted.get(partition) + 1);
                rows.add(row);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", group);
            json.put("topic", topic);
            json.put("executed", request.execute());
            json.put("partitions", rows);
            return new Answer(200, json);
        });
    }

    /** Removes the group's committed offsets (and its failure counts, members and leases); 409 while it has members. */
    void deleteGroup(Exchange exchange) {
        answer(exchange, () -> {
            String group = group(exchange);
            if (GroupsJson.describe(group, groups()) == null) {
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
