// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corobridge.AsyncExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sign-up handler's mails go out when the request succeeds and are dropped when it fails. */
class SignupGuideTest {
  @Test
  void theMailOfTheFailedRequestIsDroppedAndTheOthersAreSent() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(4)) {
      assertEquals(List.of("ada@example.org: Welcome!", "audit@example.org: new account ada@example.org"),
          new SignupGuide(executor).run());
    }
  }
}
