package io.klite.runtime.worker;

import io.klite.log.Limits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Klite's own settings, the {@code klite.*} keys, from every place settings come from ({@code --key=value}
 * arguments, environment variables, {@code application.properties}). Invariant: once {@link #check} has passed, every
 * {@code klite.*} key is one of {@link #KNOWN} (a typo would otherwise pass as the default) and the worker timeout
 * is a duration.
 */
public final class KliteSettings {

    /** {@code klite.worker.timeout}: the longest wait to connect, then for the answer (the http(s) components' timeouts). */
    public static final String WORKER_TIMEOUT = "klite.worker.timeout";

    static final List<String> KNOWN = List.of(WorkerFileLocation.PROPERTY, WORKER_TIMEOUT);

    private KliteSettings() {
    }

    /**
     * Checks Klite's settings in the context's properties.
     *
     * @return the worker timeout as written, such as {@code 10s}
     * @throws WorkerConfigException naming an unknown key, or the timeout and what is allowed
     */
    static String check(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<Object, Object> settings = new HashMap<>(properties.loadProperties(key -> key.startsWith("klite.")));
        // --key=value arguments are override properties, which loadProperties leaves out
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camelProperties) {
            addKliteSettings(settings, camelProperties.getInitialProperties());
            addKliteSettings(settings, camelProperties.getOverrideProperties());
        }
        settings.forEach((key, value) -> {
            if (!KNOWN.contains(key.toString())) {
                throw new WorkerConfigException("Unknown setting " + key + "=" + value + "; Klite's own settings are "
                        + String.join(" and ", KNOWN));
            }
        });
        String timeout = context.resolvePropertyPlaceholders("{{" + WORKER_TIMEOUT + "}}");
        try {
            Limits.duration("", timeout);
        } catch (IllegalArgumentException e) {
            throw new WorkerConfigException(WORKER_TIMEOUT + ": " + e.getMessage(), e);
        }
        return timeout;
    }

    private static void addKliteSettings(Map<Object, Object> settings, Properties more) {
        if (more != null) {
            more.forEach((key, value) -> {
                if (key.toString().startsWith("klite.")) {
                    settings.put(key, value);
                }
            });
        }
    }
}
