package io.klite.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks before a send, where no broker answers: a clear message within the timeout, not Kafka's 60 s. */
class KafkaTopicCheckFailsFastTest {

    @Test
    void brokersThatDoNotAnswerAreNamedWithinTheTimeout() throws IOException {
        String brokers = "127.0.0.1:" + freePort();
        long start = System.nanoTime();

        try (KafkaTopicCheck check = KafkaTopicCheck.open(Map.of("bootstrap.servers", brokers, "acks", "all"),
                Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> check.checkTarget("orders", "orders", 3, Partitioning.SAME))
                    .isInstanceOfSatisfying(KafkaCheckException.class,
                            e -> assertThat(e.reason()).isEqualTo(KafkaCheckException.Reason.UNREACHABLE))
                    .hasMessageStartingWith("Cannot reach the Kafka brokers '" + brokers + "' within 1s: ")
                    .hasMessageEndingWith("; check that Kafka runs there and that the brokers are given as"
                                          + " host:port[,host:port]");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aBrokerHostThatDoesNotResolveIsNamed() {
        assertThatThrownBy(() -> KafkaTopicCheck.open(Map.of("bootstrap.servers", "no-such-host.invalid:9092"),
                Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(KafkaCheckException.class,
                        e -> assertThat(e.reason()).isEqualTo(KafkaCheckException.Reason.UNREACHABLE))
                .hasMessageStartingWith("Cannot reach the Kafka brokers 'no-such-host.invalid:9092' within 1s: ");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
