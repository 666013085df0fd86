package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.junit.jupiter.api.Test;

/**
 * Message headers travel with the message: a producer stores the exchange's headers that pass the endpoint's
 * headerFilterStrategy (by default all but Camel's own) as text in the headers column, a consumer sets them back as
 * String headers; a row another program wrote with a headers JSON object reads back the same way.
 */
class KliteMessageHeadersRoundTripTest extends KliteCamelTestSupport {

    /** Stores only headers whose names start with "trace", and lets every stored one in. */
    @BindToRegistry("onlyTrace")
    private final HeaderFilterStrategy onlyTrace = new HeaderFilterStrategy() {
        @Override
        public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
            return !name.startsWith("trace");
        }

        @Override
        public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
            return false;
        }
    };

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:a?group=g&initialDelay=0&delay=50").to("mock:a").to("klite:b");
                from("klite:b?group=g&initialDelay=0&delay=50").to("mock:b");
            }
        };
    }

    @Test
    void headersRoundTripFromProducerToConsumerAndOnToTheNextTopic() throws Exception {
        MockEndpoint a = getMockEndpoint("mock:a");
        MockEndpoint b = getMockEndpoint("mock:b");
        a.expectedMessageCount(1);
        b.expectedMessageCount(1);
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("tenant", "acme");
        headers.put("retries", 3);
        headers.put("urgent", true);
        headers.put("raw", "bytes".getBytes(StandardCharsets.UTF_8));
        headers.put("object", List.of("not", "text"));
        headers.put("CamelFoo", "camel's own");
        headers.put("camelBar", "camel's own");
        headers.put("org.apache.camel.Baz", "camel's own");

        template.sendBodyAndHeaders("klite:a", "order", headers);

        a.assertIsSatisfied();
        b.assertIsSatisfied();
        Map<String, String> expected = Map.of("tenant", "acme", "retries", "3", "urgent", "true", "raw", "bytes");
        assertThat(file().read("a", 0, 0, 10).get(0).headers()).isEqualTo(expected);
        for (MockEndpoint consumed : List.of(a, b)) {
            assertThat(consumed.getReceivedExchanges().get(0).getIn().getHeaders())
                    .containsAllEntriesOf(expected)
                    .doesNotContainKeys("object", "CamelFoo", "camelBar", "org.apache.camel.Baz");
        }
        assertThat(file().read("b", 0, 0, 10).get(0).headers()).isEqualTo(expected);
    }

    @Test
    void aMessageWithoutHeadersStoresNone() throws Exception {
        template.sendBody("klite:plain", "x");

        assertThat(headersColumn("plain")).isNull();
        assertThat(file().read("plain", 0, 0, 10).get(0).headers()).isEmpty();
    }

    @Test
    void headersAnotherProgramWroteAreReadAsStringHeaders() throws Exception {
        MockEndpoint a = getMockEndpoint("mock:a");
        a.expectedBodiesReceived("from python");
        file().createTopic("a", 1);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db());
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO \"a_0\" (data, headers) VALUES (?, ?)")) {
            insert.setString(1, "from python");
            insert.setString(2, "{\"source\":\"python\",\"CamelKliteOffset\":\"99\",\"CamelSecret\":\"no\"}");
            insert.executeUpdate();
        }

        a.assertIsSatisfied();
        Map<String, Object> consumed = a.getReceivedExchanges().get(0).getIn().getHeaders();
        assertThat(consumed).containsEntry("source", "python").containsEntry(KliteConstants.OFFSET, 1L)
                .doesNotContainKey("CamelSecret");
    }

    @Test
    void aCustomHeaderFilterStrategyChoosesWhatIsStored() throws Exception {
        template.sendBodyAndHeaders("klite:traced?headerFilterStrategy=#onlyTrace", "x",
                Map.of("traceId", "t-1", "tenant", "acme"));

        assertThat(file().read("traced", 0, 0, 10).get(0).headers()).isEqualTo(Map.of("traceId", "t-1"));
    }

    @Test
    void klitesOwnHeadersAreNeverStoredWhateverTheFilter() throws Exception {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(KliteConstants.OVERRIDE_PARTITION, 0);
        headers.put(KliteConstants.OVERRIDE_TOPIC, "traced");
        headers.put(KliteConstants.PARTITION, 0);
        headers.put("CamelFileName", "orders.csv");
        headers.put("tenant", "acme");
        template.sendBodyAndHeaders("klite:elsewhere?headerFilterStrategy=#everything", "x", headers);

        assertThat(file().read("traced", 0, 0, 10).get(0).headers())
                .isEqualTo(Map.of("CamelFileName", "orders.csv", "tenant", "acme"));
    }

    /** Lets every header through, Camel's own too. */
    @BindToRegistry("everything")
    private final HeaderFilterStrategy everything = new HeaderFilterStrategy() {
        @Override
        public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
            return false;
        }

        @Override
        public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
            return false;
        }
    };

    private String headersColumn(String topic) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db());
             ResultSet rs = connection.createStatement().executeQuery("SELECT headers FROM \"" + topic + "_0\"")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
