package io.klite.runtime.cli;

import io.klite.runtime.KliteMain;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * What {@code import --group} asks of Kafka about its consumer group before it commits for it. Invariant: it answers
 * within {@link KafkaClients#API_TIMEOUT} or fails saying so.
 */
final class KafkaGroups {

    private KafkaGroups() {
    }

    /**
     * Refuses a Kafka group that has members: their commits and the import's would race (and Kafka refuses commits
     * from outside a group that has a generation).
     *
     * @throws CliFailure naming the members, or saying that Kafka did not answer
     */
    static void refuseLiveMembers(KafkaClients clients, String group) {
        String brokers = clients.brokers();
        Admin admin = clients.admin();
        List<MemberDescription> members;
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group).get(KafkaClients.API_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            members = List.copyOf(description.members());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return; // no such group yet: nobody commits for it
            }
            throw new CliFailure("Cannot describe Kafka group '" + group + "' at '" + brokers + "': "
                    + KliteMain.describe(e.getCause()) + "; nothing was written");
        } catch (TimeoutException e) {
            throw new CliFailure("Cannot describe Kafka group '" + group + "' at '" + brokers + "': no answer within "
                    + KafkaClients.API_TIMEOUT.toSeconds() + " s; nothing was written");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("Interrupted while describing Kafka group '" + group + "'; nothing was written");
        } finally {
            admin.close(KafkaClients.CLOSE_TIMEOUT);
        }
        if (!members.isEmpty()) {
            throw new CliFailure("Cannot import with Kafka group '" + group + "': " + members.size() + " live"
                    + " member(s) consume with it (" + members.stream().map(m -> m.consumerId() + " on " + m.host())
                    .collect(Collectors.joining(", ")) + "); their commits and the import's would race: stop them"
                    + " first, or import with another group; nothing was written");
        }
    }
}
