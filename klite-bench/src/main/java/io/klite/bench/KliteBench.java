package io.klite.bench;

public final class KliteBench {
    public static void main(String[] args) {
    }
}
