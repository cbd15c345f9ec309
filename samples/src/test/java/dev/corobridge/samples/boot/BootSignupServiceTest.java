// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Boot sign-up service over HTTP: the first sign-up commits and mails, the second is refused and sends nothing. */
class BootSignupServiceTest {
  @AfterEach
  void forgetTheIntentSettings() {
    dev.corobridge.intent.Airlock.resetConfiguration();
  }

  @Test
  void aCommittedSignUpMailsAuditsAndCountsAndARefusedOneSendsNothing() throws Exception {
    List<String> responses = new ArrayList<>();
    List<String> sent = BootSignupService.run((status, body) -> responses.add(status + " " + body));
    assertEquals(List.of("201 welcome, ada@example.org", "409 ada@example.org is taken"), responses);
    assertEquals(List.of("ada@example.org: Welcome!", "audit@example.org: new account ada@example.org", "metrics: sign-up accepted"), sent);
  }
}
