package io.klite.runtime.api;

import io.klite.runtime.worker.KliteSettings;
import org.apache.camel.builder.RouteBuilder;

/**
 * The HTTP API on Camel's embedded server ({@code camel.server.host}, {@code camel.server.port}):
 *
 * <ul>
 *   <li>{@code POST /topics/{topic}/messages[?partition=|?key=]}: the body is one message; 201
 *       {@code {"topic","partition","offset"}}; with an {@code Idempotency-Key} header, a retry of the same request
 *       within {@code klite.api.idempotencyWindow} answers the first request's result and writes nothing, and the
 *       key with another request is refused with 422;</li>
 *   <li>{@code POST /topics/{topic}/batch[?partition=|?key=]}: a JSON array, one message per element, in one
 *       transaction; 201 {@code {"topic","partition","firstOffset","count"}};</li>
 *   <li>{@code GET /topics}, {@code GET /topics/{topic}}: partitions and end offsets;</li>
 *   <li>{@code GET /topics/{topic}/config}: the topic's retention, 200
 *       {@code {"topic","retention":{"age","messages","keepUnconsumed"}}} (age such as {@code "7d"}, age and messages
 *       {@code null} where not set);</li>
 *   <li>{@code PUT /topics/{topic}/config}, body {@code {"retention":{"age","messages","keepUnconsumed"}}}: replaces
 *       the topic's retention (a field left out is none, or false); 200 with what GET answers;</li>
 *   <li>{@code GET /groups}: committed offsets and lag per group and partition, the live member holding each
 *       partition and the group's live members on the topic ({@link GroupsJson});</li>
 *   <li>{@code GET /groups/{group}}: the same for one group, by topic; 404 where it has no commit and no live
 *       member;</li>
 *   <li>{@code POST /groups/{group}/reset}, body {@code {"topic","partition","to","execute","force"}}: where
 *       {@code to} puts the group on each partition, a dry run unless {@code "execute": true}; 409 while live members
 *       of the group consume the topic, unless {@code "force": true} ({@link GroupsApi}, {@link ResetRequest});</li>
 *   <li>{@code DELETE /groups/{group}}: removes the group's committed offsets, 200 {@code {"group","partitions"}};
 *       404 unknown, 409 while it has live members.</li>
 * </ul>
 *
 * Bad requests get 400, unknown topics and groups 404, conflicts with live group members 409, each with {@code {"error": "..."}} naming the problem; so do the
 * server's own answers ({@link ServerErrorAnswers}).
 */
public final class ApiRoutes extends RouteBuilder {

    @Override
    public void configure() throws Exception {
        getContext().addStartupListener(new ServerErrorAnswers());
        if (!getContext().getPropertiesComponent().resolveProperty("camel.server.enabled").map(Boolean::parseBoolean)
                .orElse(false)) {
            return; // no HTTP server, no API
        }
        TopicsApi api = new TopicsApi(KliteSettings.idempotencyWindow(getContext()));
        getContext().addService(api);

        from("platform-http:/topics?httpMethodRestrict=GET").routeId("api-topics")
                .process(api::listTopics);
        from("platform-http:/topics/{topic}?httpMethodRestrict=GET").routeId("api-topic")
                .process(api::describeTopic);
        from("platform-http:/topics/{topic}/messages?httpMethodRestrict=POST").routeId("api-produce")
                .process(api::produce);
        from("platform-http:/topics/{topic}/batch?httpMethodRestrict=POST").routeId("api-produce-batch")
                .process(api::produceBatch);
        // one path, one route per method: the path has a segment after the topic, so /topics/{topic} never takes it
        from("platform-http:/topics/{topic}/config?httpMethodRestrict=GET").routeId("api-topic-config")
                .process(api::topicConfig);
        from("platform-http:/topics/{topic}/config?httpMethodRestrict=PUT").routeId("api-configure-topic")
                .process(api::configureTopic);
        GroupsApi groups = new GroupsApi();
        getContext().addService(groups);
        from("platform-http:/groups?httpMethodRestrict=GET").routeId("api-groups")
                .process(groups::listGroups);
        // /groups/{group} takes one segment only: /groups/{group}/reset is never its
        from("platform-http:/groups/{group}?httpMethodRestrict=GET").routeId("api-group")
                .process(groups::describeGroup);
        from("platform-http:/groups/{group}?httpMethodRestrict=DELETE").routeId("api-delete-group")
                .process(groups::deleteGroup);
        from("platform-http:/groups/{group}/reset?httpMethodRestrict=POST").routeId("api-reset-group")
                .process(groups::resetGroup);
    }
}
