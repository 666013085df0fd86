package io.klite.runtime;

import io.klite.runtime.cli.KliteCli;

/**
 * {@code java -jar klite-runtime.jar}: the Klite service. What it runs comes from {@code application.properties},
 * {@code routes/*.yaml} and the worker file in the working directory; see {@link KliteMain}. Where the first argument
 * does not start with {@code -} (an admin command such as {@code topics}, or a mistyped one), or is {@code --help},
 * {@code -h}, {@code --database} or {@code --output}, the jar runs the admin CLI instead ({@link KliteCli#isCommand});
 * the service's own arguments all start with {@code -}, and Camel Main's options stay under {@code -help}.
 */
public final class KliteRuntime {

    private KliteRuntime() {
    }

    public static void main(String[] args) throws Exception {
        if (KliteCli.isCommand(args)) {
            System.exit(KliteCli.run(args));
        }
        System.exit(new KliteMain().run(args));
    }
}
