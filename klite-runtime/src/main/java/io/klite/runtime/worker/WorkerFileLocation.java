package io.klite.runtime.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Which worker file the service reads. Invariant: at most one, decided before any worker runs: the file
 * {@value #PROPERTY} names, which must exist; else the one of {@link #DEFAULT_FILES} in the working directory (two
 * of them is an error, not a silent choice); else none.
 */
public final class WorkerFileLocation {

    /** {@code klite.workers}: the worker file; by default {@code workers.yaml}, {@code workers.yml} or {@code workers.json}. */
    public static final String PROPERTY = "klite.workers";

    static final List<String> DEFAULT_FILES = List.of("workers.yaml", "workers.yml", "workers.json");

    private WorkerFileLocation() {
    }

    /**
     * The worker file, or empty where there is none.
     *
     * @throws WorkerConfigException where the named file does not exist, or more than one default file does
     */
    static Optional<Path> find(PropertiesComponent properties) {
        Optional<String> named = properties.resolveProperty(PROPERTY).filter(name -> !name.isBlank());
        if (named.isPresent()) {
            Path file = Path.of(named.get());
            if (!Files.isRegularFile(file)) {
                throw new WorkerConfigException(PROPERTY + ": the worker file '" + named.get()
                        + "' does not exist (looked in " + file.toAbsolutePath().getParent() + ")");
            }
            return Optional.of(file);
        }
        List<Path> present = DEFAULT_FILES.stream().map(Path::of).filter(Files::isRegularFile).toList();
        if (present.size() > 1) {
            throw new WorkerConfigException("Found worker files " + present + " in " + Path.of("").toAbsolutePath()
                    + "; keep one, or choose one with " + PROPERTY);
        }
        return present.stream().findFirst();
    }
}
