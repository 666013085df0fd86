package io.klite.kafka.broker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a child JVM on two free loopback
 * ports, for tests and benchmarks: {@link #start(Path)} formats a data folder and returns once the broker answers;
 * {@link #stop()}, {@link #kill()} and {@link #restart()} play an outage. The broker runs on its own class path (the
 * {@code kafka_2.13} jars this module's build lists in {@value #CLASSPATH_RESOURCE}), never on the caller's, whose
 * Jackson, Scala and log4j would clash with it. Its log goes to {@code logs/server.log} under the folder.
 *
 * <p>{@link #shared()} is one broker per JVM for tests that do not stop it: they share it with unique topic names
 * and pay its start (4 to 9 seconds here) once.
 */
public final class KafkaBroker implements AutoCloseable {

    static final String CLASSPATH_RESOURCE = "broker.classpath";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private static KafkaBroker shared;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final List<String> java;
    private Process process;
    private Admin admin;

    private KafkaBroker(Path dir, int port, int controllerPort) throws IOException {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("server.properties"), serverProperties());
        Files.writeString(dir.resolve("log4j2.properties"), LOG4J);
        this.java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dkafka.logs.dir=" + dir.resolve("logs"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
                "-cp", brokerClasspath() + File.pathSeparator + launcher(dir));
    }

    /**
     * Formats {@code dir} as a new single-node cluster and starts a broker on it, on two free loopback ports.
     *
     * @return the broker, ready: it has registered and answers {@link Admin#describeCluster()}
     */
    public static KafkaBroker start(Path dir) {
        try {
            KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort());
            broker.format();
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a Kafka broker in " + dir, e);
        }
    }

    /** One broker for this JVM, started on first use in a temporary folder, stopped and removed at JVM exit. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("klite-kafka-");
                KafkaBroker broker = start(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    broker.close();
                    deleteQuietly(dir);
                }, "klite-kafka-broker-stop"));
                shared = broker;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot make a folder for the shared Kafka broker", e);
            }
        }
        return shared;
    }

    /** {@code 127.0.0.1:<port>}: the {@code bootstrap.servers} of a client of this broker. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The folder the broker keeps its data ({@code data/}) and logs ({@code logs/}) in. */
    public Path dir() {
        return dir;
    }

    /**
     * The settings a test's client starts from: the bootstrap servers and timeouts of a few seconds, where Kafka's
     * defaults (up to 60 seconds) would let a test hang on a stopped broker for a minute.
     */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        properties.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, "50");
        properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, "50");
        properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return properties;
    }

    /** An admin client of this broker, made once and closed with it. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientProperties());
        }
        return admin;
    }

    /** Creates {@code topic} with {@code partitions} partitions (replication factor 1) and waits until it exists. */
    public void createTopic(String topic, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create Kafka topic '" + topic + "' with " + partitions
                    + " partition(s) on " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating Kafka topic '" + topic + "'", e);
        }
    }

    /** Whether the broker's process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker cleanly (SIGTERM: a controlled shutdown, under a second here); its data stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the broker ({@code kill -9}): no shutdown, as a crash or a pulled plug; its data stays. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the broker again on the same folder and ports, after {@link #stop()} or {@link #kill()}. */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException("The broker on " + bootstrapServers() + " runs: stop or kill it first");
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart the Kafka broker in " + dir, e);
        }
    }

    /** Stops the broker and closes its admin client; the folder stays. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
        stop();
    }

    private void format() throws IOException {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--config",
                dir.resolve("server.properties").toString(), "--cluster-id", clusterId, "--ignore-formatted"));
        Path out = dir.resolve("logs/format.out");
        Process format = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        try {
            if (!format.waitFor(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting the Kafka data folder " + dir + " took longer than "
                        + READY_TIMEOUT.toSeconds() + " s; see " + out);
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting " + dir, e);
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException("Cannot format the Kafka data folder " + dir + " (exit "
                    + format.exitValue() + "): " + Files.readString(out).strip());
        }
    }

    private synchronized void launch() throws IOException {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(BrokerMain.class.getName(), dir.resolve("server.properties").toString()));
        Path out = dir.resolve("logs/stdout.log");
        // stdin stays a pipe from this JVM: BrokerMain exits when it closes, so the broker dies with its parent
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        awaitReady();
    }

    /** Waits until the broker lists itself as a node of its cluster, failing at once where its process ended. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Properties properties = clientProperties();
        properties.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        properties.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        try (Admin probe = Admin.create(properties)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Kafka broker in " + dir + " exited with " + process.exitValue()
                            + " while starting; see " + dir.resolve("logs"));
                }
                try {
                    if (!probe.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The Kafka broker in " + dir + " did not answer on "
                            + bootstrapServers() + " within " + READY_TIMEOUT.toSeconds() + " s; see "
                            + dir.resolve("logs"));
                }
                pause();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker in " + dir, e);
        }
    }

    /** Waits one poll interval, or less where the process ends meanwhile (the caller checks that next). */
    private void pause() throws InterruptedException {
        try {
            process.onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the interval passed with the process alive
        }
    }

    private String serverProperties() {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.recovery.threads.per.data.dir=1",
                // a restart after kill -9 waits for the old session to expire: 3 s, not the default 9 s
                "broker.session.timeout.ms=3000",
                "broker.heartbeat.interval.ms=500",
                "");
    }

    private static final String LOG4J = String.join("\n",
            "status = warn",
            "appender.file.type = File",
            "appender.file.name = FILE",
            "appender.file.fileName = ${sys:kafka.logs.dir}/server.log",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = FILE",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "");

    /** The broker's jars, as this module's build listed them. */
    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No " + CLASSPATH_RESOURCE + " next to " + KafkaBroker.class.getName()
                        + ": build the kafka-broker module with Maven, which writes it");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            for (String jar : classpath.split(File.pathSeparator)) {
                if (!Files.isRegularFile(Path.of(jar))) {
                    throw new IllegalStateException("The Kafka broker's jar " + jar + " is missing: build the"
                            + " kafka-broker module again (Maven downloads it)");
                }
            }
            return classpath;
        }
    }

    /** A folder holding only {@link BrokerMain}'s class: the whole of this JVM's class path the broker gets. */
    private static Path launcher(Path dir) throws IOException {
        String name = BrokerMain.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve("launcher").resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = BrokerMain.class.getClassLoader().getResourceAsStream(name)) {
            Files.write(target, in.readAllBytes());
        }
        return dir.resolve("launcher");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
