// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentHandlers;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Deferred side effects: a sign-up request handler that sends a welcome mail only if the whole
 * request succeeds. The handler enqueues the mail as an intent in the request's scope; the scope
 * dispatches it when the handler returns and drops it when the handler throws, for example because
 * a later step found the address taken. That step runs as a task of the shared executor, and the
 * request's scope follows it there: the audit mail it enqueues shares the request's fate.
 */
public final class SignupGuide {
  private final AsyncExecutor executor;
  private final Set<String> accounts = ConcurrentHashMap.newKeySet();
  private final List<String> outbox = new CopyOnWriteArrayList<>();

  /** A handler that checks addresses on {@code executor}. */
  public SignupGuide(AsyncExecutor executor) {
    this.executor = executor;
  }

  /** Handles one sign-up: enqueues the welcome mail, then creates the account on a worker. */
  public String signUp(String email) throws Exception {
    return Airlock.scoped(() -> {
      Airlock.enqueue(Intent.named("sendMail").args(email, "Welcome!").build());
      executor.submitBlocking(() -> {                       // a worker, inside this request's scope
        if (!accounts.add(email)) throw new IllegalStateException(email + " is taken");
        Airlock.enqueue(Intent.named("sendMail").args("audit@example.org", "new account " + email).build());
        return null;
      }).join();
      return "created " + email;
    });
  }

  /** Runs two requests for the same address: the first succeeds and mails, the second fails and mails nothing. */
  public List<String> run() throws Exception {
    IntentHandlers.register("sendMail", intent -> outbox.add(intent.arg(0) + ": " + intent.arg(1)));
    try {
      Progress.line("java", "intents", signUp("ada@example.org") + ", outbox " + outbox);
      try {
        signUp("ada@example.org");
      } catch (RuntimeException refused) {
        Progress.line("java", "intents", "refused (" + refused.getCause().getMessage() + "), outbox still " + outbox);
      }
      return List.copyOf(outbox);
    } finally {
      IntentHandlers.unregister("sendMail");
    }
  }
}
