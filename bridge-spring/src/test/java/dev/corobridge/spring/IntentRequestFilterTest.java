// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.NoScopeException;
import jakarta.servlet.ServletException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** airlock's middleware on Spring MVC: a request's intents leave only if the request ends well. */
class IntentRequestFilterTest {
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  @RestController
  static class Signups {
    final List<String> sentWhileHandling = new CopyOnWriteArrayList<>();

    private void mail(String email) {
      Airlock.enqueue(Intent.of("welcomeMail", intent -> SENT.add("welcome " + intent.arg(0))).args(email).build());
      sentWhileHandling.addAll(SENT);
    }

    @PostMapping("/signup")
    ResponseEntity<String> signup(@RequestParam("email") String email) {
      mail(email);
      return ResponseEntity.status(201).body("created");
    }

    @PostMapping("/refuse")
    ResponseEntity<String> refuse(@RequestParam("email") String email) {
      mail(email);
      return ResponseEntity.unprocessableEntity().body("refused");
    }

    @PostMapping("/crash")
    String crash(@RequestParam("email") String email) {
      mail(email);
      throw new IllegalStateException("crashed after enqueueing");
    }
  }

  @AfterEach
  void clear() {
    SENT.clear();
    Airlock.resetConfiguration();
  }

  private static MockMvc mvc(Signups controller, IntentRequestFilter filter) {
    return MockMvcBuilders.standaloneSetup(controller).addFilters(filter).build();
  }

  @Test
  void aRequestThatSucceedsDispatchesItsIntentsOnceTheHandlerHasReturned() throws Exception {
    Signups controller = new Signups();
    mvc(controller, new IntentRequestFilter()).perform(post("/signup").param("email", "a@b")).andExpect(status().isCreated());
    assertEquals(List.of("welcome a@b"), SENT);
    assertEquals(List.of(), controller.sentWhileHandling, "nothing left while the request was being handled");
  }

  @Test
  void aRequestThatEndsWithAnErrorStatusDropsItsIntents() throws Exception {
    mvc(new Signups(), new IntentRequestFilter()).perform(post("/refuse").param("email", "a@b")).andExpect(status().isUnprocessableEntity());
    assertEquals(List.of(), SENT);
  }

  @Test
  void aRequestWhoseHandlerThrowsDropsItsIntents() {
    assertThrows(ServletException.class, () -> mvc(new Signups(), new IntentRequestFilter()).perform(post("/crash").param("email", "a@b")));
    assertEquals(List.of(), SENT);
  }

  @Test
  void theStatusesThatDispatchCanBeChosen() throws Exception {
    mvc(new Signups(), new IntentRequestFilter(status -> status < 500)).perform(post("/refuse").param("email", "a@b"))
        .andExpect(status().isUnprocessableEntity());
    assertEquals(List.of("welcome a@b"), SENT);
  }

  @Test
  void noScopeIsLeftBehindOnTheRequestThread() throws Exception {
    mvc(new Signups(), new IntentRequestFilter()).perform(post("/signup").param("email", "a@b"));
    assertTrue(Airlock.current().isEmpty());
    assertThrows(NoScopeException.class, () -> Airlock.enqueue("outside a request"));
    assertThrows(NullPointerException.class, () -> new IntentRequestFilter(null));
  }
}
