// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corobridge.AsyncExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transactional sign-up's mails leave after the commit and are dropped with the rolled-back transaction. */
class SpringSignupGuideTest {
  @Test
  void theCommittedSignUpMailsAndTheRolledBackOneDoesNot() {
    try (AsyncExecutor executor = AsyncExecutor.create(4)) {
      assertEquals(List.of("ada@example.org: Welcome!", "audit@example.org: new account ada@example.org"),
          new SpringSignupGuide(executor).run());
    }
  }
}
