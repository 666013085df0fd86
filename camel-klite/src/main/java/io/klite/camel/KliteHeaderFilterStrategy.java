package io.klite.camel;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The default {@code headerFilterStrategy} of {@code klite:} endpoints. Invariant: headers whose names start with
 * {@code Camel}, {@code camel} or {@code org.apache.camel.} are neither stored with a message nor set from a stored
 * one (so Klite's own {@code CamelKlite*} headers and Camel's internal ones never travel); every other header does.
 */
public class KliteHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    private static final String[] CAMELS_OWN = {"Camel", "camel", "org.apache.camel."};

    public KliteHeaderFilterStrategy() {
        setOutFilterStartsWith(CAMELS_OWN);
        setInFilterStartsWith(CAMELS_OWN);
    }
}
