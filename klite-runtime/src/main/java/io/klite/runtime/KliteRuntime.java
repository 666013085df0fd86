package io.klite.runtime;

/**
 * {@code java -jar klite-runtime.jar}: the Klite service. What it runs comes from {@code application.properties},
 * {@code routes/*.yaml} and the worker file in the working directory; see {@link KliteMain}.
 */
public final class KliteRuntime {

    private KliteRuntime() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new KliteMain().run(args));
    }
}
