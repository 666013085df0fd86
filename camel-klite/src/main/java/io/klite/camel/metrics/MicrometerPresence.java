package io.klite.camel.metrics;

/** Whether Micrometer is on the classpath, looked at once without loading any of its classes' code. */
final class MicrometerPresence {

    static final boolean PRESENT = present();

    private MicrometerPresence() {
    }

    private static boolean present() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, MicrometerPresence.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
