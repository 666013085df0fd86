package io.klite.runtime.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListener;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * {@value #SETTING}: the largest request body the API takes, a whole number of bytes or of {@code B}, {@code KiB},
 * {@code MiB} or {@code GiB} ({@code 10MiB} by default, which is also what Camel's server takes where
 * {@code camel.server.maxBodySize} is not set: Vert.x's {@code BodyHandler.DEFAULT_BODY_LIMIT}). Invariants: the
 * HTTP server's limit ({@code camel.server.maxBodySize}) is this setting's, in bytes, set before Camel Main configures
 * the server; a value that is not a size from 1 byte to {@link #MOST} stops the start, naming the value and the forms
 * allowed; so does {@code camel.server.maxBodySize} given by itself, which would otherwise fight this setting. A body
 * over the limit is answered 413 ({@link ServerErrorAnswers}) and never reaches a route.
 */
public final class MaxBodySize {

    /** The setting. */
    public static final String SETTING = "klite.api.maxBodySize";

    /** The environment variable that gives it. */
    public static final String VARIABLE = "KLITE_API_MAX_BODY_SIZE";

    /** The default, as {@code application.properties} writes it. */
    public static final String DEFAULT = "10MiB";

    /** The largest limit: a body is held in memory whole, and copied there. */
    static final long MOST = 1L << 30;

    /** The setting of Camel's HTTP server that this one sets. */
    static final String SERVER_SETTING = "camel.server.maxBodySize";

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(B|KiB|MiB|GiB)?");
    private static final String RULE = "use a whole number of bytes, or with B, KiB, MiB or GiB, from 1 byte to"
                                       + " 1GiB, such as 65536, 512KiB or " + DEFAULT + " (the default)";

    private MaxBodySize() {
    }

    /**
     * A body size as the setting writes it.
     *
     * @return the size in bytes
     * @throws IllegalArgumentException naming the setting, the value and the forms allowed
     */
    public static long bytes(String text) {
        String value = text == null ? "" : text.strip();
        Matcher matcher = SIZE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(SETTING + ": '" + value + "' is not a body size; " + RULE);
        }
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        int shift = switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        String digits = matcher.group(1);
        // 19 digits may be over Long.MAX_VALUE; anything over MOST is refused anyway
        long number = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (number < 1) {
            throw new IllegalArgumentException(SETTING + ": '" + value + "' is not a body size; " + RULE);
        }
        if (number > MOST >> shift) {
            throw new IllegalArgumentException(SETTING + ": '" + value + "' is over 1GiB, the largest body size; "
                    + RULE);
        }
        return number << shift;
    }

    /** A size as the setting would write it: {@code 10MiB}, {@code 1KiB}, {@code 1000}. */
    public static String text(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        return bytes > 0 && bytes % (1L << 10) == 0 ? (bytes >> 10) + "KiB" : String.valueOf(bytes);
    }

    /**
     * Sets the HTTP server's limit from the setting once the properties are in place, before Camel Main configures
     * the server from {@code camel.server.*}.
     */
    public static MainListener registration() {
        return new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                apply(main.getCamelContext());
            }
        };
    }

    /**
     * Checks the setting and gives the HTTP server its limit.
     *
     * @throws IllegalArgumentException naming the value and the forms allowed, or {@code camel.server.maxBodySize}
     *                                  where it is given
     */
    static void apply(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        String given = serverSettingGiven(properties);
        if (given != null) {
            throw new IllegalArgumentException(given + ": Klite sets the HTTP server's body limit from " + SETTING
                    + " (default " + DEFAULT + "); set " + SETTING + " instead (bytes, or with B, KiB, MiB or GiB)");
        }
        long bytes = bytes(properties.resolveProperty(SETTING).orElse(DEFAULT));
        if (!(properties instanceof org.apache.camel.component.properties.PropertiesComponent camelProperties)) {
            throw new IllegalStateException("Cannot set " + SERVER_SETTING + " with " + properties.getClass().getName());
        }
        camelProperties.addOverrideProperty(SERVER_SETTING, String.valueOf(bytes));
    }

    /**
     * {@code camel.server.maxBodySize} as given, in any of the forms Camel Main binds ({@code max-body-size},
     * any case), such as {@code camel.server.maxBodySize=1024}; {@code null} where none is.
     */
    private static String serverSettingGiven(PropertiesComponent properties) {
        List<Properties> sources = new ArrayList<>();
        sources.add(properties.loadProperties(key -> key.startsWith("camel.server.")));
        // camel-main applies JVM system properties (-Dcamel.server.maxBodySize=...) after the others
        sources.add(System.getProperties());
        // --key=value arguments and the environment variables Klite maps are override properties, which
        // loadProperties leaves out
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camelProperties) {
            if (camelProperties.getInitialProperties() != null) {
                sources.add(camelProperties.getInitialProperties());
            }
            if (camelProperties.getOverrideProperties() != null) {
                sources.add(camelProperties.getOverrideProperties());
            }
        }
        for (Properties source : sources) {
            for (String key : source.stringPropertyNames()) {
                if (key.replace("-", "").toLowerCase(Locale.ROOT).equals(SERVER_SETTING.toLowerCase(Locale.ROOT))) {
                    return key + "=" + source.getProperty(key);
                }
            }
        }
        return null;
    }
}
