// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corobridge.AsyncExecutor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * airlock leaves a scope before it flushes: while the intents of an ended scope are dispatched, and after,
 * that scope is no longer current, so handlers can open scopes of their own (airlock's "a task with its own
 * scope" pattern) and an enqueue without a scope is a {@link NoScopeException}, not a state error.
 */
class ScopeExitTest {
  private final Recorder recorder = new Recorder();

  @AfterEach
  void noScopeLeftOpen() {
    assertEquals(Optional.empty(), Airlock.current(), "every test closes its scopes");
  }

  /** An intent whose handler runs {@code body} in a scope of its own (sync dispatch to the recorder). */
  private Intent withItsOwnScope(String name, String inner) {
    return Intent.of(name, intent -> {
      recorder.ran.add(name);
      Airlock.scoped(new IntentScope(recorder, null, null), () -> {
        Airlock.enqueue(recorder.effect(inner));
        return null;
      });
    }).build();
  }

  @Test
  void aHandlerThatOpensItsOwnScopeDispatchesItsIntentsAfterTheOuterScopeWasLeft() throws Exception {
    Airlock.scoped(new IntentScope(recorder, null, null), () -> {
      Airlock.enqueue(withItsOwnScope("signup", "welcomeMail"));
      return null;
    });
    assertEquals(List.of("signup", "welcomeMail()"), recorder.ran);
  }

  @Test
  void theEndedScopeIsNoLongerCurrentWhileItsIntentsAreDispatched() {
    List<Optional<IntentScope>> seen = new CopyOnWriteArrayList<>();
    IntentScope outer = Airlock.open(new IntentScope(recorder, null, null) {
      @Override
      protected boolean letsDescendantDispatch(IntentScope descendant, Intent intent) {
        return true;
      }
    });
    IntentScope inner = Airlock.open(new IntentScope(recorder, null, null) {
      @Override
      protected boolean passesThrough(Intent intent) {
        return true; // dispatched at once, while the outer scope is still open
      }
    });
    Airlock.enqueue(Intent.of("look", intent -> seen.add(Airlock.current())).build());
    inner.complete();
    inner.close();
    assertEquals(List.of(Optional.of(outer)), seen, "during the inner scope's dispatch its parent is current");
    Airlock.enqueue(Intent.of("lookAgain", intent -> seen.add(Airlock.current())).build());
    outer.complete();
    outer.close();
    assertEquals(List.of(Optional.of(outer), Optional.empty()), seen, "during the outermost scope's dispatch none is");
  }

  @Test
  void anExplicitFlushDispatchesOutsideTheScopeWhichThenStillRefusesIntents() {
    List<Optional<IntentScope>> seen = new CopyOnWriteArrayList<>();
    try (IntentScope scope = Airlock.scope(recorder)) {
      Airlock.enqueue(Intent.of("look", intent -> seen.add(Airlock.current())).build());
      scope.flush();
      assertEquals(List.of(Optional.<IntentScope>empty()), seen, "no scope was current during the dispatch");
      assertEquals(Optional.of(scope), Airlock.current(), "until close(), the ended scope is current again");
      assertThrows(ScopeStateException.class, () -> Airlock.enqueue(recorder.effect("late")), "and it takes no intents");
    }
  }

  @Test
  void anEnqueueWithoutAScopeDuringAFlushIsANoScopeException() {
    IntentDispatchException failed = assertThrows(IntentDispatchException.class, () -> {
      try (IntentScope scope = Airlock.scope(recorder)) {
        Airlock.enqueue(Intent.of("careless", intent -> Airlock.enqueue(recorder.effect("escaped"))).build());
        scope.complete();
      }
    });
    assertInstanceOf(NoScopeException.class, failed.getCause());
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void underFailFastAHandlerWithItsOwnScopeDoesNotStopTheIntentsAfterIt() throws Exception {
    Airlock.scoped(new IntentScope(recorder, null, FlushMode.FAIL_FAST), () -> {
      Airlock.enqueue(withItsOwnScope("signup", "welcomeMail"));
      Airlock.enqueue(recorder.effect("audit"));
      return null;
    });
    assertEquals(List.of("signup", "welcomeMail()", "audit()"), recorder.ran);
  }

  @Test
  void onAnAsyncExecutorAHandlerWithItsOwnScopeKeepsItsIntents() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      Airlock.scoped(new IntentScope(IntentExecutors.on(executor), null, null), () -> {
        Airlock.enqueue(withItsOwnScope("signup", "welcomeMail"));
        return null;
      });
    } // close() waits for the dispatched intent
    assertEquals(List.of("signup", "welcomeMail()"), recorder.ran);
  }
}
