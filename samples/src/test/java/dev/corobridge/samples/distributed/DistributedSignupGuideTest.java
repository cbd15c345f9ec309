// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two worker JVMs over H2 in server mode send one mail per committed sign-up, none for a rolled-back one. */
class DistributedSignupGuideTest {
  @Test
  void everyCommittedSignUpIsMailedOnceByOneOfTheWorkersAndNoRolledBackOneIs() throws Exception {
    List<String> report = new ArrayList<>();
    DistributedSignupGuide.Result result = DistributedSignupGuide.run(null, 2, 30, report::add);
    assertEquals(20, result.committed());
    assertEquals(10, result.rolledBack());
    assertEquals(20, result.mails(), "one mail per committed sign-up: " + result.mailsByWorker());
    assertTrue(result.mailsByWorker().keySet().stream().allMatch(w -> w.startsWith("worker-")), result.mailsByWorker().toString());
    assertEquals(2, report.size(), report.toString());
  }
}
