package io.klite.runtime.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** klite-to-kafka routes as a user writes them: a YAML route file with templatedRoute entries, in a test's folder. */
final class MirrorRoutes {

    private final Path folder;
    private final StringBuilder yaml = new StringBuilder();

    MirrorRoutes(Path dir) {
        this.folder = dir.resolve("routes");
    }

    /** Adds a templatedRoute of klite-to-kafka with these parameters (names and values as written), in order. */
    MirrorRoutes route(String routeId, String... namesAndValues) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        yaml.append("- templatedRoute:\n    routeTemplateRef: klite-to-kafka\n");
        if (routeId != null) {
            yaml.append("    routeId: ").append(routeId).append('\n');
        }
        yaml.append("    parameters:\n");
        parameters.forEach((name, value) -> yaml.append("      - name: ").append(name).append('\n')
                .append("        value: \"").append(value).append("\"\n"));
        return this;
    }

    /** Writes the route file and returns the service settings that load it, with {@code more} settings. */
    Map<String, String> write(String... more) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("mirror.yaml"), yaml);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.main.routesIncludePattern", "file:" + folder + "/*.yaml");
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    String yaml() {
        return yaml.toString();
    }
}
