package io.klite.log;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM main for {@link KliteLogSurvivesKillTest}: sends forever, printing each returned offset, and commits
 * for group {@code crash-group} every 25 messages, printing the commit. It is killed from outside (and stops by
 * itself after two minutes, should nobody kill it).
 */
public final class CrashingSender {

    private CrashingSender() {
    }

    public static void main(String[] args) {
        try (KliteLog log = KliteLog.open(Path.of(args[0]))) {
            System.out.println("ready");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            for (long i = 0; System.nanoTime() < deadline; i++) {
                if (i % 7 == 0) {
                    BatchResult batch = log.sendBatch("crash", 0, List.of("p" + i + "a", "p" + i + "b"));
                    System.out.println("sent " + batch.firstOffset() + " p" + i + "a");
                    System.out.println("sent " + batch.lastOffset() + " p" + i + "b");
                } else {
                    long offset = log.send("crash", 0, "p" + i);
                    System.out.println("sent " + offset + " p" + i);
                }
                if (i % 25 == 24) {
                    long committed = log.endOffset("crash", 0) - 3;
                    log.commit("crash-group", "crash", 0, committed);
                    System.out.println("committed " + committed);
                }
                System.out.flush();
            }
        }
    }
}
