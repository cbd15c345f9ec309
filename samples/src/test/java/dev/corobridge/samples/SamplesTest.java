// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.ExecutorStats;
import org.junit.jupiter.api.Test;

/** The samples run end to end, and the shared executor's books balance afterwards. */
class SamplesTest {
  @Test
  void theWholeGuideRunsOnOneSharedExecutor() throws Exception {
    ExecutorStats stats = Main.runAll();
    assertTrue(stats.submitted() > 100, "Java and Kotlin examples ran: " + stats);
    assertEquals(stats.submitted(), stats.succeeded() + stats.failed() + stats.cancelled(), "every task accounted for: " + stats);
    assertTrue(stats.retried() >= 4, "the flaky endpoint was retried from Java and Kotlin: " + stats);
  }
}
