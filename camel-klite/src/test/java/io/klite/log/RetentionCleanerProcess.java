package io.klite.log;

import java.nio.file.Path;

/**
 * Child-JVM main for the two-cleaner test: opens the file, prints {@code ready}, then applies the topic's retention
 * until a run deletes nothing while the topic's end stands still, and prints {@code deleted <n>}, how many rows its
 * own runs deleted. Arguments: database file, topic.
 */
public final class RetentionCleanerProcess {

    private RetentionCleanerProcess() {
    }

    public static void main(String[] args) {
        try (KliteLog log = KliteLog.open(Path.of(args[0]))) {
            System.out.println("ready");
            System.out.flush();
            long deleted = 0;
            long end = -1;
            while (true) {
                long run = log.applyRetention(args[1]);
                deleted += run;
                long now = log.endOffset(args[1], 0);
                if (run == 0 && now == end) {
                    break;
                }
                end = now;
            }
            System.out.println("deleted " + deleted);
        }
    }
}
