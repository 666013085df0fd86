package io.klite.runtime.worker;

import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConfiguration;
import io.klite.log.IdempotencyKey;
import io.klite.log.InvalidTopicException;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import io.klite.log.TopicPartition;
import io.klite.runtime.api.MaxBodySize;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.StringHelper;

/**
 * Klite's own settings, the {@code klite.*} keys, from every place settings come from ({@code --key=value}
 * arguments, environment variables, {@code application.properties}). Invariant: once {@link #check} has passed, every
 * {@code klite.*} key is one of {@link #KNOWN} or a topic's retention setting,
 * {@code klite.topics.<topic>.retention.<one of RETENTION_KEYS>} with a valid topic name (a typo would otherwise pass
 * as the default), the worker timeout is a duration, every retention setting has a value its key allows, and the
 * component's {@code heartbeatInterval} is above 0 and below its {@code sessionTimeout}.
 */
public final class KliteSettings {

    /** {@code klite.worker.timeout}: the longest wait to connect, then for the answer (the http(s) components' timeouts). */
    public static final String WORKER_TIMEOUT = "klite.worker.timeout";

    /** The prefix of a topic's settings: {@code klite.topics.<topic>.retention.age=7d}. */
    public static final String TOPICS = "klite.topics.";

    /** The start of the environment variables that give a topic's settings. */
    public static final String TOPICS_VARIABLE = "KLITE_TOPICS_";

    /** The component's heartbeat interval, which the service's consumers and workers take. */
    static final String HEARTBEAT_INTERVAL = "camel.component.klite.heartbeatInterval";

    /** The component's session timeout, which the service's consumers and workers take. */
    static final String SESSION_TIMEOUT = "camel.component.klite.sessionTimeout";

    /** {@code klite.api.idempotencyWindow}: how long the API remembers an {@code Idempotency-Key} (default 24h). */
    public static final String IDEMPOTENCY_WINDOW = "klite.api.idempotencyWindow";

    /** {@code klite.console.enabled}: whether the service serves its web console at {@code /console} (default true). */
    public static final String CONSOLE_ENABLED = "klite.console.enabled";

    static final List<String> KNOWN = List.of(WorkerFileLocation.PROPERTY, WORKER_TIMEOUT, IDEMPOTENCY_WINDOW,
            MaxBodySize.SETTING, CONSOLE_ENABLED);

    /** What follows {@code klite.topics.<topic>.retention.}: the fields of {@link TopicConfig}. */
    static final List<String> RETENTION_KEYS = List.of("age", "messages", "keepUnconsumed");

    private static final String RETENTION = ".retention.";
    private static final String TOPIC_KEYS = TOPICS + "<topic>" + RETENTION + String.join("|", RETENTION_KEYS);

    private KliteSettings() {
    }

    /**
     * {@code klite.api.idempotencyWindow}: an age as retention takes it ({@code 24h}, {@code 7d}), default
     * {@link IdempotencyKey#DEFAULT_WINDOW}.
     *
     * @throws WorkerConfigException naming the setting, the value and the allowed forms
     */
    public static Duration idempotencyWindow(CamelContext context) {
        String value = context.getPropertiesComponent().resolveProperty(IDEMPOTENCY_WINDOW).orElse(null);
        if (value == null) {
            return IdempotencyKey.DEFAULT_WINDOW;
        }
        try {
            return Limits.retentionAge(IDEMPOTENCY_WINDOW + ": ", value.strip());
        } catch (IllegalArgumentException e) {
            throw new WorkerConfigException(e.getMessage().replace("a retention age", "a duration")
                    .replace("no age limit", "the default of 24h"), e);
        }
    }

    /**
     * {@code klite.console.enabled}: {@code true} (the default) or {@code false}.
     *
     * @throws WorkerConfigException naming the setting, the value and the allowed values
     */
    public static boolean consoleEnabled(CamelContext context) {
        String value = context.getPropertiesComponent().resolveProperty(CONSOLE_ENABLED).map(String::strip)
                .orElse("true");
        if (!value.equals("true") && !value.equals("false")) {
            throw new WorkerConfigException(CONSOLE_ENABLED + ": '" + value + "' is not allowed; use true (serve the"
                    + " web console at /console, the default) or false");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * Checks Klite's settings in the context's properties.
     *
     * @return the worker timeout as written, such as {@code 10s}
     * @throws WorkerConfigException naming an unknown key, or a value and what is allowed
     */
    static String check(CamelContext context) {
        Map<String, String> settings = settings(context);
        settings.forEach((key, value) -> {
            if (!KNOWN.contains(key) && !key.startsWith(TOPICS)) {
                throw new WorkerConfigException("Unknown setting " + key + "=" + value + "; Klite's own settings are "
                        + String.join(", ", KNOWN) + " and " + TOPIC_KEYS);
            }
        });
        topics(context, settings);
        checkGroupTimes(context);
        idempotencyWindow(context);
        consoleEnabled(context);
        String timeout = context.resolvePropertyPlaceholders("{{" + WORKER_TIMEOUT + "}}");
        try {
            Limits.duration("", timeout);
        } catch (IllegalArgumentException e) {
            throw new WorkerConfigException(WORKER_TIMEOUT + ": " + e.getMessage(), e);
        }
        return timeout;
    }

    /**
     * Checks the component's {@code heartbeatInterval} and {@code sessionTimeout}, which every {@code klite:} consumer
     * and worker of the service takes, once at start: a consumer would refuse them only when it starts, and a service
     * without consumers not at all.
     *
     * @throws WorkerConfigException naming the setting, its value and the rule
     */
    static void checkGroupTimes(CamelContext context) {
        KliteConfiguration klite = context.getComponent("klite", KliteComponent.class).getConfiguration();
        long heartbeat = klite.getHeartbeatInterval();
        long session = klite.getSessionTimeout();
        if (heartbeat < 1) {
            throw new WorkerConfigException(HEARTBEAT_INTERVAL + ": " + written(context, HEARTBEAT_INTERVAL, heartbeat)
                    + " is not a heartbeat interval; use a duration above 0 and below " + SESSION_TIMEOUT + ", such"
                    + " as 250ms, 1s or " + Limits.DEFAULT_HEARTBEAT_INTERVAL.toSeconds() + "s (the default)");
        }
        if (session <= heartbeat) {
            throw new WorkerConfigException(SESSION_TIMEOUT + ": " + written(context, SESSION_TIMEOUT, session)
                    + " is not above " + HEARTBEAT_INTERVAL + " (" + heartbeat + " ms); a member would count as dead"
                    + " between two heartbeats: use a session timeout above the heartbeat interval, such as "
                    + Limits.DEFAULT_SESSION_TIMEOUT.toSeconds() + "s with " + Limits.DEFAULT_HEARTBEAT_INTERVAL.toSeconds()
                    + "s (the defaults)");
        }
    }

    /** A component setting's value as written, such as {@code '0s' (read as 0 ms)}; where not set, the default's. */
    private static String written(CamelContext context, String key, long millis) {
        PropertiesComponent properties = context.getPropertiesComponent();
        String kebab = StringHelper.camelCaseToDash(key);
        return properties.resolveProperty(key).or(() -> properties.resolveProperty(kebab))
                .map(text -> "'" + text.strip() + "' (read as " + millis + " ms)").orElse(millis + " ms (not set: the default)");
    }

    /**
     * The retention of each topic the {@code klite.topics.*} settings name, by topic: what is not set is none (age,
     * messages) or false ({@code keepUnconsumed}), as a {@link TopicConfig} is.
     *
     * @throws WorkerConfigException naming the key, the value and what is allowed
     */
    public static Map<String, TopicConfig> topics(CamelContext context) {
        return topics(context, settings(context));
    }

    /**
     * The setting an environment variable {@code KLITE_TOPICS_<TOPIC>_RETENTION_<KEY>} gives:
     * {@code klite.topics.<topic>.retention.<key>}, the topic in lower case with its {@code _} kept (a variable's name
     * holds no {@code .} or {@code -}), the key one of {@link #RETENTION_KEYS} in any case ({@code KEEPUNCONSUMED} or
     * {@code KEEP_UNCONSUMED} is {@code keepUnconsumed}). A variable of another form becomes its name in lower case
     * with {@code .} for {@code _}, which {@link #check} then refuses, naming it.
     *
     * @param variable a name that starts with {@value #TOPICS_VARIABLE}
     */
    public static String topicSettingOfVariable(String variable) {
        String rest = variable.substring(TOPICS_VARIABLE.length());
        int retention = rest.lastIndexOf("_RETENTION_");
        if (retention > 0) {
            String key = rest.substring(retention + "_RETENTION_".length()).replace("_", "");
            for (String known : RETENTION_KEYS) {
                if (known.equalsIgnoreCase(key)) {
                    return TOPICS + rest.substring(0, retention).toLowerCase(Locale.ROOT) + RETENTION + known;
                }
            }
        }
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, TopicConfig> topics(CamelContext context, Map<String, String> settings) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, Map<String, String>> byTopic = new TreeMap<>();
        Map<String, String> byLowerCase = new HashMap<>();
        for (String key : new TreeMap<>(settings).keySet()) {
            if (!key.startsWith(TOPICS)) {
                continue;
            }
            String value = properties.resolveProperty(key).orElse(settings.get(key)).strip();
            String rest = key.substring(TOPICS.length());
            int retention = rest.lastIndexOf(RETENTION);
            String field = retention < 0 ? "" : rest.substring(retention + RETENTION.length());
            if (retention < 1 || !RETENTION_KEYS.contains(field)) {
                throw new WorkerConfigException("Unknown setting " + key + "=" + value + "; a topic's settings are "
                        + TOPIC_KEYS);
            }
            String topic = rest.substring(0, retention);
            try {
                TopicPartition.validateTopic(topic);
            } catch (InvalidTopicException e) {
                throw new WorkerConfigException(key + "=" + value + ": " + e.getMessage(), e);
            }
            String sameButCase = byLowerCase.putIfAbsent(topic.toLowerCase(Locale.ROOT), topic);
            if (sameButCase != null && !sameButCase.equals(topic)) {
                throw new WorkerConfigException(key + " and " + TOPICS + sameButCase + RETENTION + "* name topics that"
                        + " differ in case only, and SQLite's table names ignore case; give them one name");
            }
            byTopic.computeIfAbsent(topic, t -> new HashMap<>()).put(field, value);
        }
        Map<String, TopicConfig> topics = new TreeMap<>();
        byTopic.forEach((topic, fields) -> topics.put(topic, retention(topic, fields)));
        return topics;
    }

    /** A topic's retention from its settings' values, by {@link #RETENTION_KEYS} field. */
    private static TopicConfig retention(String topic, Map<String, String> fields) {
        String key = TOPICS + topic + RETENTION;
        Duration age = null;
        Long messages = null;
        boolean keepUnconsumed = false;
        try {
            if (fields.containsKey("age")) {
                age = Limits.retentionAge(key + "age: ", fields.get("age"));
            }
            if (fields.containsKey("messages")) {
                messages = Limits.retentionMessages(key + "messages: ", fields.get("messages"));
            }
        } catch (IllegalArgumentException e) {
            throw new WorkerConfigException(e.getMessage(), e);
        }
        String keep = fields.get("keepUnconsumed");
        if (keep != null) {
            if (!keep.equals("true") && !keep.equals("false")) {
                throw new WorkerConfigException(key + "keepUnconsumed: '" + keep + "' is not a boolean; allowed: true"
                        + " or false");
            }
            keepUnconsumed = Boolean.parseBoolean(keep);
        }
        return new TopicConfig(age, messages, keepUnconsumed);
    }

    /** Every {@code klite.*} key with its value, from every place settings come from. */
    private static Map<String, String> settings(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, String> settings = new HashMap<>();
        addKliteSettings(settings, properties.loadProperties(key -> key.startsWith("klite.")));
        // --key=value arguments are override properties, which loadProperties leaves out
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camelProperties) {
            addKliteSettings(settings, camelProperties.getInitialProperties());
            addKliteSettings(settings, camelProperties.getOverrideProperties());
        }
        return settings;
    }

    private static void addKliteSettings(Map<String, String> settings, Properties more) {
        if (more != null) {
            // Camel's ordered Properties hold their entries apart from Hashtable's, where forEach would look
            new HashMap<>(more).forEach((key, value) -> {
                if (key.toString().startsWith("klite.")) {
                    settings.put(key.toString(), String.valueOf(value));
                }
            });
        }
    }
}
