package io.klite.runtime;

import io.klite.runtime.api.ApiRoutes;
import io.klite.runtime.console.ConsoleRoutes;
import io.klite.runtime.api.MaxBodySize;
import io.klite.runtime.cli.KliteCli;
import io.klite.runtime.kafka.KliteToKafkaRoutes;
import io.klite.runtime.worker.HttpWorkerRoutes;
import io.klite.runtime.worker.KliteSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel Main set up as the Klite service. Settings come, first found wins, from {@code --key=value} arguments,
 * environment variables ({@code CAMEL_COMPONENT_KLITE_DATABASE}, {@code CAMEL_SERVER_PORT}, {@code KLITE_WORKERS},
 * {@code KLITE_TOPICS_ORDERS_RETENTION_AGE}),
 * {@code ./application.properties}, and the defaults bundled in the jar's
 * {@code application.properties}. Routes: {@code routes/*.yaml} where the working directory has that folder, the
 * worker file's routes, the route templates {@code klite-http-worker} and {@code klite-to-kafka} and the HTTP API.
 * Once the routes have started, the topics' retention from {@code klite.topics.*} ({@link TopicSettings}).
 */
public class KliteMain extends Main {

    static final String PROPERTIES = "file:application.properties;optional=true,"
                                     + "classpath:application.properties;optional=true";

    private static final Logger LOG = LoggerFactory.getLogger(KliteMain.class);

    /** The API's settings by their environment variables: their names have capitals, which a variable cannot keep. */
    private static final Map<String, String> API_VARIABLES = Map.of(
            "KLITE_API_IDEMPOTENCY_WINDOW", KliteSettings.IDEMPOTENCY_WINDOW);

    private boolean optionsShown;

    public KliteMain() {
        setPropertyPlaceholderLocations(PROPERTIES);
        if (Files.isDirectory(Path.of("routes"))) {
            // camel-main fails on a missing folder, so the pattern is only set where there is one
            configure().withRoutesIncludePattern("file:routes/*.yaml");
        }
        configure().addRoutesBuilder(new HttpWorkerRoutes());
        configure().addRoutesBuilder(new KliteToKafkaRoutes());
        configure().addRoutesBuilder(new ApiRoutes());
        configure().addRoutesBuilder(new ConsoleRoutes());
        addMainListener(MaxBodySize.registration());
        addMainListener(new StartupCheck());
        addMainListener(TopicSettings.registration());
    }

    /**
     * Runs until stopped, taking {@code --key=value} arguments as settings that win over every other source and
     * the rest as Camel Main's own ({@code -duration 10} and so on).
     *
     * @return the process's exit code: 0 after {@code -duration} or {@code -help}, 1 where start-up failed (said in
     *         one log line). SIGTERM ends the JVM itself, after a clean stop, with 143 as for any Java service.
     */
    @Override
    public int run(String[] args) {
        environmentSettings(System.getenv()).forEach(this::addOverrideProperty);
        List<String> camelArgs = new ArrayList<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 2) {
                addOverrideProperty(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (arg.startsWith("--")) {
                LOG.error("Klite cannot start: argument '{}' has no value; write --key=value, such as"
                          + " --camel.server.port=9090", arg);
                return 1;
            } else {
                camelArgs.add(arg);
            }
        }
        try {
            int exitCode = super.run(camelArgs.toArray(String[]::new));
            if (optionsShown && !camelArgs.contains("-h") && !camelArgs.contains("-help")) {
                LOG.error("Klite cannot start: unknown argument in {}; settings are --key=value, and the admin"
                          + " commands {} (java -jar klite-runtime.jar --help)", camelArgs, KliteCli.commands());
                return 1;
            }
            return exitCode;
        } catch (Exception e) {
            LOG.error("Klite cannot start: {}", describe(e));
            LOG.debug("Start-up failure in detail", e);
            return 1;
        }
    }

    /**
     * Environment variables come after {@code --key=value} arguments for placeholders too: Camel would look them up
     * first. They still come before {@code ./application.properties}, as {@link #environmentSettings} makes Klite's
     * and the servers' ones override properties, which arguments override in turn.
     */
    @Override
    protected void configurePropertiesService(CamelContext camelContext) throws Exception {
        super.configurePropertiesService(camelContext);
        if (camelContext.getPropertiesComponent() instanceof PropertiesComponent properties) {
            properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK);
        }
    }

    /** Camel Main lists its options for {@code -help} and for an argument it does not know. */
    @Override
    public void showOptions() {
        optionsShown = true;
        super.showOptions();
    }

    /**
     * The settings of environment variables camel-main 4.18 does not apply by itself, or not ahead of
     * {@code ./application.properties}: {@code CAMEL_COMPONENT_KLITE_*} (it maps component variables by its catalog of
     * Camel's own components), {@code CAMEL_SERVER_*} and {@code CAMEL_MANAGEMENT_*} (it resolves them as
     * placeholders but does not configure the servers with them), and Klite's own {@code KLITE_WORKERS},
     * {@code KLITE_WORKER_TIMEOUT}, {@code KLITE_CONSOLE_ENABLED}, {@code KLITE_API_IDEMPOTENCY_WINDOW}, {@code KLITE_API_MAX_BODY_SIZE} (or
     * {@code KLITE_API_MAXBODYSIZE}) and {@code KLITE_TOPICS_*} ({@link KliteSettings#topicSettingOfVariable}).
     * {@code CAMEL_SERVER_PORT=9090} becomes {@code camel.server.port=9090}, {@code KLITE_WORKER_TIMEOUT=5s}
     * {@code klite.worker.timeout=5s}, {@code KLITE_API_MAX_BODY_SIZE=1MiB} {@code klite.api.maxBodySize=1MiB},
     * {@code KLITE_TOPICS_ORDERS_RETENTION_AGE=7d} {@code klite.topics.orders.retention.age=7d}, {@code CAMEL_COMPONENT_KLITE_BATCH_SIZE=500}
     * {@code camel.component.klite.batch-size=500}.
     */
    static Map<String, String> environmentSettings(Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.equals("KLITE_WORKERS") || name.equals("KLITE_WORKER_TIMEOUT")
                || name.equals("KLITE_CONSOLE_ENABLED")) {
                settings.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
            if (API_VARIABLES.containsKey(name)) {
                settings.put(API_VARIABLES.get(name), value);
            }
            if (name.equals(MaxBodySize.VARIABLE) || name.equals("KLITE_API_MAXBODYSIZE")) {
                settings.put(MaxBodySize.SETTING, value);
            }
            if (name.startsWith(KliteSettings.TOPICS_VARIABLE)) {
                settings.put(KliteSettings.topicSettingOfVariable(name), value);
            }
            for (String prefix : List.of("CAMEL_COMPONENT_KLITE_", "CAMEL_SERVER_", "CAMEL_MANAGEMENT_")) {
                if (name.startsWith(prefix) && name.length() > prefix.length()) {
                    String group = prefix.substring(0, prefix.length() - 1).toLowerCase(Locale.ROOT).replace('_', '.');
                    settings.put(group + "." + name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'),
                            value);
                }
            }
        });
        return settings;
    }

    /** An exception's message, with its causes' where they add something. */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).strip());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !text.toString().contains(message.strip())) {
                text.append("; caused by: ").append(message.strip());
            }
        }
        return text.toString();
    }
}
