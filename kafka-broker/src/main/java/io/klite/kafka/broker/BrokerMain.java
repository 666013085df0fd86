package io.klite.kafka.broker;

import java.io.IOException;
import java.io.InputStream;

/**
 * The broker JVM's main class: runs {@code kafka.Kafka} (the main class of {@code kafka-server-start.sh}) and exits,
 * through Kafka's own shutdown hook, as soon as its standard input closes. The parent holds the other end of that
 * pipe, so a test JVM that dies, even by {@code kill -9}, takes its broker with it instead of leaving it holding its
 * ports. JDK only: {@link KafkaBroker} copies this class alone onto the broker's class path.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Thread watchdog = new Thread(BrokerMain::exitWhenParentGone, "klite-broker-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void exitWhenParentGone() {
        try (InputStream in = System.in) {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // the parent writes nothing; this only waits for the end of the stream
            }
        } catch (IOException e) {
            // a broken pipe means the same as its end: the parent is gone
        }
        System.exit(0);
    }
}
