package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start does what the README says: run twice, the second run continues where the first left. */
class KliteLogQuickStartRunsTest {

    @TempDir
    Path dir;

    @Test
    void secondRunContinuesAfterTheFirstRunsCommits() {
        Path file = dir.resolve("data/quickstart.db");
        QuickStart.main(new String[] {file.toString()});
        QuickStart.main(new String[] {file.toString()});
        try (KliteLog log = KliteLog.open(file)) {
            int partition = KliteLog.partitionFor("customer-42", 4);
            assertThat(log.partitionCount("orders")).isEqualTo(4);
            assertThat(log.endOffset("orders", partition)).isEqualTo(6);
            assertThat(log.committed("billing", "orders", partition)).hasValue(6);
            assertThat(log.groups()).extracting(GroupOffset::lag).containsExactly(0L);
        }
    }
}
