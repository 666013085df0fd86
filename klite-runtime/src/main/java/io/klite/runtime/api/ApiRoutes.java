package io.klite.runtime.api;

import io.klite.runtime.worker.KliteSettings;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
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
 *   <li>{@code GET /topics}: every topic by name with its partitions' start and end offsets (as
 *       {@code GET /topics/{topic}}, read at one moment) and its {@code retention} (as {@code GET /topics/{topic}/config});</li>
 *   <li>{@code GET /topics/{topic}}: the topic's partitions with start and end offsets; {@code PUT /topics/{topic}},
 *       body {@code {"partitions": n}}: creates it (201), or checks it has n partitions (200, else 409); and
 *       {@code DELETE /topics/{topic}?confirm={topic}}: deletes it with every group's offsets on it (409 while live
 *       members consume it);</li>
 *   <li>{@code GET /topics/{topic}/partitions/{partition}/messages?from=|fromTime=&limit=}: the partition's messages
 *       from an offset or a time, without a group ({@link RecordsApi});</li>
 *   <li>{@code GET /topics/{topic}/dead-letters?all=&limit=&partition=&from=}: the dead letters of a dead-letter
 *       topic not redriven yet ({@code all=true}: every one), oldest first per partition (or of one partition from an
 *       offset), at most {@code limit} (1 to 1000, default 100) and about 4 MiB of payload in all,
 *       {@code {"topic","partitions":[{"partition","redrivenOffset","messages","nextOffset"}],"more"}}; and
 *       {@code POST /topics/{topic}/dead-letters/redrive}, body {@code {}} or
 *       {@code {"partition","fromOffset","toOffset"}}, no query string: copies them back to where each came from,
 *       200 {@code {"topic","partitions":[{"partition","messages","firstOffset","lastOffset"}]}}, 409 where a dead
 *       letter before the range was not redriven yet or one cannot go back, writing nothing ({@link DeadLettersApi},
 *       shared with the CLI's {@code dlq});</li>
 *   <li>{@code GET /topics/{topic}/config}: the topic's retention, 200
 *       {@code {"topic","retention":{"age","messages","keepUnconsumed"}}} (age such as {@code "7d"}, age and messages
 *       {@code null} where not set);</li>
 *   <li>{@code PUT /topics/{topic}/config}, body {@code {"retention":{"age","messages","keepUnconsumed"}}}: replaces
 *       the topic's retention (a field left out is none, or false); 200 with what GET answers;</li>
 *   <li>{@code GET /groups}: committed offsets and lag per group and partition, the live member holding each
 *       partition and the group's live members on the topic ({@link GroupsJson}), the rows and offsets read at one
 *       moment;</li>
 *   <li>{@code GET /groups/{group}}: the same for one group, by topic; 404 where it has no commit and no live
 *       member;</li>
 *   <li>{@code POST /groups/{group}/reset}, body {@code {"topic","partition","to","execute","force"}}: where
 *       {@code to} puts the group on each partition, a dry run unless {@code "execute": true}; 409 while live members
 *       of the group consume the topic, unless {@code "force": true} ({@link GroupsApi}, {@link ResetRequest});</li>
 *   <li>{@code DELETE /groups/{group}}: removes the group's committed offsets, 200 {@code {"group","partitions"}};
 *       404 unknown, 409 while it has live members;</li>
 *   <li>{@code GET /stuck-partitions}: every partition a group has failed to deliver and not committed past, by
 *       group, topic and partition, {@code [{"group","topic","partition","firstOffset","lastOffset","attempts",
 *       "lastError","firstFailedAt","lastFailedAt"}]}: each with an attempt that failed or was stopped with its
 *       process, also while the next runs, the latest failure's error kept;</li>
 *   <li>{@code GET /openapi.json}: the OpenAPI 3.0 document of the whole API, {@value #OPENAPI} beside this class,
 *       as written.</li>
 * </ul>
 *
 * Bad requests get 400, unknown topics, groups (and on a read, partitions) 404, conflicts with live group members
 * (or with dead letters a redrive would skip) 409, a reused Idempotency-Key 422 and a body that is not JSON where only JSON is taken 415 ({@link JsonBody}), each
 * with {@code {"error": "..."}} naming the problem; so do the server's own answers ({@link ServerErrorAnswers}), such
 * as 413 for a body over {@code klite.api.maxBodySize} ({@link MaxBodySize}); a change a page of another site sends,
 * and any request addressed to another name than a loopback one while the server is bound to loopback, are refused
 * with 403 before any route sees them ({@link CrossSiteGuard}). Invariant: every route here is in the
 * OpenAPI document, and every path and method there is a route here (or Camel's {@code /observe/health}).
 */
public final class ApiRoutes extends RouteBuilder {

    /** The OpenAPI document, a resource beside this class. */
    static final String OPENAPI = "openapi.json";

    @Override
    public void configure() throws Exception {
        getContext().addStartupListener(new ServerErrorAnswers());
        getContext().addStartupListener(new CrossSiteGuard());
        if (!getContext().getPropertiesComponent().resolveProperty("camel.server.enabled").map(Boolean::parseBoolean)
                .orElse(false)) {
            return; // no HTTP server, no API
        }
        TopicsApi api = new TopicsApi(KliteSettings.idempotencyWindow(getContext()));
        getContext().addService(api);

        from("platform-http:/topics?httpMethodRestrict=GET").routeId("api-topics")
                .process(api::listTopics);
        // one path, one route per method
        from("platform-http:/topics/{topic}?httpMethodRestrict=GET").routeId("api-topic")
                .process(api::describeTopic);
        from("platform-http:/topics/{topic}?httpMethodRestrict=PUT").routeId("api-create-topic")
                .process(api::createTopic);
        from("platform-http:/topics/{topic}?httpMethodRestrict=DELETE").routeId("api-delete-topic")
                .process(api::deleteTopic);
        from("platform-http:/topics/{topic}/messages?httpMethodRestrict=POST").routeId("api-produce")
                .process(api::produce);
        from("platform-http:/topics/{topic}/batch?httpMethodRestrict=POST").routeId("api-produce-batch")
                .process(api::produceBatch);
        // one path, one route per method: the path has a segment after the topic, so /topics/{topic} never takes it
        from("platform-http:/topics/{topic}/config?httpMethodRestrict=GET").routeId("api-topic-config")
                .process(api::topicConfig);
        from("platform-http:/topics/{topic}/config?httpMethodRestrict=PUT").routeId("api-configure-topic")
                .process(api::configureTopic);
        RecordsApi records = new RecordsApi(api::log);
        from("platform-http:/topics/{topic}/partitions/{partition}/messages?httpMethodRestrict=GET")
                .routeId("api-read-partition").process(records::read);
        DeadLettersApi deadLetters = new DeadLettersApi(api::log);
        from("platform-http:/topics/{topic}/dead-letters?httpMethodRestrict=GET").routeId("api-dead-letters")
                .process(deadLetters::list);
        from("platform-http:/topics/{topic}/dead-letters/redrive?httpMethodRestrict=POST")
                .routeId("api-redrive-dead-letters").process(deadLetters::redrive);
        GroupsApi groups = new GroupsApi(api::log);
        from("platform-http:/groups?httpMethodRestrict=GET").routeId("api-groups")
                .process(groups::listGroups);
        // /groups/{group} takes one segment only: /groups/{group}/reset is never its
        from("platform-http:/groups/{group}?httpMethodRestrict=GET").routeId("api-group")
                .process(groups::describeGroup);
        from("platform-http:/groups/{group}?httpMethodRestrict=DELETE").routeId("api-delete-group")
                .process(groups::deleteGroup);
        from("platform-http:/groups/{group}/reset?httpMethodRestrict=POST").routeId("api-reset-group")
                .process(groups::resetGroup);
        from("platform-http:/stuck-partitions?httpMethodRestrict=GET").routeId("api-stuck-partitions")
                .process(groups::listStuckPartitions);
        byte[] openApi = openApiDocument();
        from("platform-http:/openapi.json?httpMethodRestrict=GET").routeId("api-openapi")
                .process(exchange -> answerDocument(exchange, openApi));
    }

    private static byte[] openApiDocument() throws IOException {
        try (InputStream document = ApiRoutes.class.getResourceAsStream(OPENAPI)) {
            if (document == null) {
                throw new IllegalStateException("The jar has no " + OPENAPI + " beside " + ApiRoutes.class.getName());
            }
            return document.readAllBytes();
        }
    }

    /** Answers with the document as it is: 200, JSON, and none of the request's headers. */
    private static void answerDocument(Exchange exchange, byte[] document) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(document);
    }
}
