package io.klite.runtime.cli;

import picocli.CommandLine.Option;

/** {@code --topic <name>}, required, checked against Kafka's rule for topic names. */
final class TopicOption {

    @Option(names = "--topic", paramLabel = "<topic>", required = true, converter = Values.Topic.class,
            description = "The topic.")
    String name;
}
