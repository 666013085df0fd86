package io.klite.runtime;

import io.klite.runtime.cli.KliteCli;

/**
 * {@code java -jar klite-runtime.jar}: the Klite service. What it runs comes from {@code application.properties},
 * {@code routes/*.yaml} and the worker file in the working directory; see {@link KliteMain}. Where the first argument
 * is an admin command ({@code topics}, {@code groups}, {@code produce}, {@code consume}, {@code dlq}, {@code compact},
 * {@code help}) or {@code --help}/{@code -h}, the jar runs the admin CLI instead ({@link KliteCli}); Camel Main's own
 * options stay under {@code -help}.
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
