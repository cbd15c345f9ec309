// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Policies: who is asked in which order, what they may refuse, and that they filter without reordering. */
class IntentPolicyTest {
  private final Recorder recorder = new Recorder();

  /** A policy that logs its calls and allows everything but the names it is told to drop. */
  private static final class Noting implements IntentPolicy {
    private final String label;
    private final List<String> log;
    private final List<String> drop;

    Noting(String label, List<String> log, String... drop) {
      this.label = label;
      this.log = log;
      this.drop = List.of(drop);
    }

    @Override
    public void onEnqueue(Intent intent) {
      log.add(label + ".onEnqueue(" + intent.name() + ")");
    }

    @Override
    public boolean allows(Intent intent) {
      log.add(label + ".allows(" + intent.name() + ")");
      return !drop.contains(intent.name());
    }
  }

  @Test
  void theScopesPolicyIsAskedFirstThenLocalPoliciesOutermostFirst() {
    List<String> log = new CopyOnWriteArrayList<>();
    try (IntentScope scope = Airlock.scope(recorder, new Noting("scope", log), null)) {
      try (var outer = Airlock.policy(new Noting("outer", log)); var inner = Airlock.policy(new Noting("inner", log))) {
        Airlock.enqueue(recorder.effect("mail"));
      }
      scope.complete();
    }
    assertEquals(List.of("scope.onEnqueue(mail)", "outer.onEnqueue(mail)", "inner.onEnqueue(mail)",
        "scope.allows(mail)", "outer.allows(mail)", "inner.allows(mail)"), log);
    assertEquals(List.of("mail()"), recorder.ran);
  }

  @Test
  void policiesFilterButNeverReorder() {
    List<String> log = new CopyOnWriteArrayList<>();
    try (IntentScope scope = Airlock.scope(recorder, new Noting("scope", log, "b", "d"), null)) {
      for (String name : List.of("a", "b", "c", "d", "e")) {
        Airlock.enqueue(recorder.effect(name));
      }
      scope.complete();
    }
    assertEquals(List.of("a()", "c()", "e()"), recorder.ran);
  }

  @Test
  void assertNoEffectsRefusesAtEnqueueWithAPolicyViolation() {
    try (IntentScope scope = Airlock.scope(recorder, new AssertNoEffects(), null)) {
      PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> Airlock.enqueue(recorder.effect("sendMail")));
      assertTrue(e.getMessage().contains("sendMail"), e.getMessage());
      assertEquals(List.of(), scope.pending(), "a refused intent is not buffered");
      scope.complete();
    }
  }

  @Test
  void assertNoEffectsDropsWhatANestedScopeHandsUpInsteadOfDispatchingIt() {
    try (IntentScope outer = Airlock.scope(recorder, new AssertNoEffects(), null)) {
      try (IntentScope inner = Airlock.scope(recorder)) {
        Airlock.enqueue(recorder.effect("sendMail"));
        inner.complete();
      }
      assertEquals(1, outer.pending().size(), "captured by the outer scope, which decides");
      outer.complete();
    }
    assertEquals(List.of(), recorder.ran, "airlock drops it: the outer scope asserts no effects");
  }

  @Test
  void whatAParentCapturesIsJudgedByTheParentsPolicyNotTheNestedScopes() {
    try (IntentScope outer = Airlock.scope(recorder)) {
      try (IntentScope inner = Airlock.scope(recorder, new DropAll(), null)) {
        Airlock.enqueue(recorder.effect("captured"));
        try (Airlock.PolicyBlock block = Airlock.policy(new DropAll())) {
          Airlock.enqueue(recorder.effect("locallyDropped"));
        }
        inner.complete();
      }
      outer.complete();
    }
    assertEquals(List.of("captured()"), recorder.ran, "the outermost scope decides; a local policy travels with its intent");
  }

  @Test
  void blockTasksRaisingOnEnqueueRefusesTheNamedIntentsLoudly() {
    try (IntentScope scope = Airlock.scope(recorder, BlockTasks.raisingOnEnqueue("sendMail"), null)) {
      PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> Airlock.enqueue(recorder.effect("sendMail")));
      assertTrue(e.getMessage().contains("sendMail"), e.getMessage());
      Airlock.enqueue(recorder.effect("audit"));
      assertEquals(1, scope.pending().size(), "a refused intent is not buffered");
      scope.complete();
    }
    assertEquals(List.of("audit()"), recorder.ran);
    assertTrue(BlockTasks.raisingOnEnqueue("a").raisesOnEnqueue());
    assertEquals(java.util.Set.of("a", "b"), new BlockTasks("a", "b").names());
  }

  @Test
  void logOnFlushLogsToTheLoggerItWasGiven() {
    List<String> logged = new CopyOnWriteArrayList<>();
    System.Logger logger = new System.Logger() {
      @Override public String getName() { return "test"; }
      @Override public boolean isLoggable(Level level) { return true; }
      @Override public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) { logged.add(msg); }
      @Override public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
        logged.add(java.text.MessageFormat.format(format, params));
      }
    };
    try (IntentScope scope = Airlock.scope(recorder, new LogOnFlush(logger), null)) {
      Airlock.enqueue(recorder.effect("sendMail", "a@b"));
      scope.complete();
    }
    assertEquals(1, logged.size(), "one line per intent: " + logged);
    assertTrue(logged.get(0).contains("sendMail"), logged.get(0));
    assertEquals(List.of("sendMail(\"a@b\")"), recorder.ran, "and lets it through");
  }

  @Test
  void dropAllAcceptsButDispatchesNothing() {
    try (IntentScope scope = Airlock.scope(recorder, new DropAll(), null)) {
      Airlock.enqueue(recorder.effect("a"));
      assertEquals(1, scope.pending().size());
      scope.complete();
    }
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void blockTasksDropsTheNamedIntentsAndLogOnFlushLetsAllThrough() {
    try (IntentScope scope = Airlock.scope(recorder, new BlockTasks("sendMail", "sms"), null)) {
      Airlock.enqueue(recorder.effect("sendMail"));
      Airlock.enqueue(recorder.effect("audit"));
      Airlock.enqueue(recorder.effect("sms"));
      scope.complete();
    }
    try (IntentScope scope = Airlock.scope(recorder, new LogOnFlush(), null)) {
      Airlock.enqueue(recorder.effect("logged"));
      scope.complete();
    }
    assertEquals(List.of("audit()", "logged()"), recorder.ran);
    assertTrue(new AllowAll().allows(recorder.effect("x")));
  }

  @Test
  void aLocalPolicyTravelsWithTheIntentsEnqueuedUnderIt() {
    try (IntentScope scope = Airlock.scope(recorder)) {
      try (var noMail = Airlock.policy(new BlockTasks("sendMail"))) {
        Airlock.enqueue(recorder.effect("sendMail"));
      }
      Airlock.enqueue(recorder.effect("sendMail")); // enqueued after the block: not covered
      assertEquals(1, scope.pending().get(0).policies().size());
      scope.complete();
    }
    assertEquals(List.of("sendMail()"), recorder.ran);
  }

  @Test
  void enqueueingFromInsideAPolicyIsRefused() {
    IntentPolicy meddling = new IntentPolicy() {
      @Override
      public void onEnqueue(Intent intent) {
        Airlock.enqueue(recorder.effect("sneaky"));
      }
    };
    try (IntentScope scope = Airlock.scope(recorder, meddling, null)) {
      assertThrows(PolicyEnqueueException.class, () -> Airlock.enqueue(recorder.effect("mail")));
      scope.complete();
    }
    IntentPolicy meddlingAtFlush = new IntentPolicy() {
      @Override
      public boolean allows(Intent intent) {
        Airlock.enqueue(recorder.effect("sneaky"));
        return true;
      }
    };
    IntentScope scope = Airlock.scope(recorder, meddlingAtFlush, null);
    Airlock.enqueue(recorder.effect("mail"));
    assertThrows(PolicyEnqueueException.class, scope::flush);
    scope.close();
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void localPolicyBlocksMustNest() {
    var outer = Airlock.policy(new AllowAll());
    var inner = Airlock.policy(new DropAll());
    assertThrows(IllegalStateException.class, outer::close);
    inner.close();
    outer.close();
  }
}
