package io.klite.runtime.cli;

import picocli.CommandLine.Option;

/** {@code --group <name>}, required, not blank. */
final class GroupOption {

    @Option(names = "--group", paramLabel = "<group>", required = true, converter = Values.Group.class,
            description = "The consumer group.")
    String name;
}
