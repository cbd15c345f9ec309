// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scope lifecycle and nesting: when intents escape, when they are dropped, and what is refused. */
class IntentScopeTest {
  private final Recorder recorder = new Recorder();

  @AfterEach
  void noScopeLeftOpen() {
    assertEquals(Optional.empty(), Airlock.current(), "every test closes its scopes");
  }

  @Test
  void enqueueWithoutAScopeFailsInsteadOfDispatchingAtOnce() {
    NoScopeException e = assertThrows(NoScopeException.class, () -> Airlock.enqueue(recorder.effect("sendMail", "a@b")));
    assertTrue(e.getMessage().contains("Airlock.scoped"), e.getMessage());
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void scopedFlushesWhenTheWorkReturnsAndDiscardsWhenItThrows() throws Exception {
    assertEquals("ok", Airlock.scoped(new IntentScope(recorder, null, null), () -> {
      Airlock.enqueue(recorder.effect("sendMail", "a@b"));
      assertEquals(List.of(), recorder.ran, "nothing escapes while the scope is open");
      return "ok";
    }));
    assertEquals(List.of("sendMail(\"a@b\")"), recorder.ran);
    IOException failure = new IOException("handler failed");
    assertSame(failure, assertThrows(IOException.class, () -> Airlock.scoped(new IntentScope(recorder, null, null), () -> {
      Airlock.enqueue(recorder.effect("sendMail", "c@d"));
      throw failure;
    })));
    assertEquals(List.of("sendMail(\"a@b\")"), recorder.ran, "the failed unit's mail was dropped");
  }

  @Test
  void tryWithResourcesFlushesOnlyWhenCompleteWasReached() {
    try (IntentScope scope = Airlock.scope(recorder)) {
      Airlock.enqueue(recorder.effect("first"));
      scope.complete();
    }
    try (IntentScope scope = Airlock.scope(recorder)) {
      Airlock.enqueue(recorder.effect("second"));
      assertTrue(scope.isOpen()); // an exception here would skip complete(), as does this early end
    }
    assertEquals(List.of("first()"), recorder.ran);
  }

  @Test
  void flushingOrDiscardingTwiceIsAScopeStateError() {
    IntentScope scope = Airlock.scope(recorder);
    scope.flush();
    assertThrows(ScopeStateException.class, scope::flush);
    assertThrows(ScopeStateException.class, scope::discard);
    scope.close(); // already ended: close only makes the previous scope current again
    IntentScope other = Airlock.scope(recorder);
    other.discard();
    assertThrows(ScopeStateException.class, other::discard);
    other.close();
  }

  @Test
  void endingAScopeWhileAScopeNestedInItIsStillOpenIsAScopeStateError() {
    try (IntentScope outer = Airlock.scope(recorder)) {
      try (IntentScope inner = Airlock.scope()) {
        assertThrows(ScopeStateException.class, outer::flush);
        assertThrows(ScopeStateException.class, outer::discard);
        inner.complete();
      }
      outer.complete();
    }
  }

  @Test
  void anEndedScopeTakesNoMoreIntents() {
    IntentScope scope = Airlock.scope(recorder);
    scope.flush();
    assertThrows(ScopeStateException.class, () -> Airlock.enqueue(recorder.effect("late")));
    scope.close();
  }

  @Test
  void aSubclassCanChooseToFlushDespiteAnError() throws Exception {
    class FlushOnValidationErrors extends IntentScope {
      FlushOnValidationErrors() {
        super(recorder, null, null);
      }

      @Override
      protected boolean shouldFlush(Throwable error) {
        return error == null || error instanceof IllegalArgumentException;
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Airlock.scoped(new FlushOnValidationErrors(), () -> {
      Airlock.enqueue(recorder.effect("audit", "rejected input"));
      throw new IllegalArgumentException("bad input");
    }));
    assertEquals(List.of("audit(\"rejected input\")"), recorder.ran);
  }

  @Test
  void theOutermostScopeCapturesWhatNestedScopesFlush() {
    try (IntentScope outer = Airlock.scope(recorder)) {
      try (IntentScope inner = Airlock.scope()) {
        assertSame(outer, inner.parent());
        Airlock.enqueue(recorder.effect("inner"));
        inner.complete();
      }
      assertEquals(List.of(), recorder.ran, "the inner flush went to the outer scope");
      assertEquals(1, outer.pending().size());
      Airlock.enqueue(recorder.effect("outer"));
      outer.complete();
    }
    assertEquals(List.of("inner()", "outer()"), recorder.ran, "FIFO across levels");
  }

  /** A nested scope that asks for pages to be dispatched at once. */
  static class Urgent extends IntentScope {
    @Override
    protected boolean passesThrough(Intent intent) {
      return intent.name().equals("page");
    }
  }

  @Test
  void aNestedScopeCanLetChosenIntentsThroughWhereItsAncestorsAllowIt() {
    IntentScope trusting = new IntentScope(recorder, null, null) {
      @Override
      protected boolean letsDescendantDispatch(IntentScope descendant, Intent intent) {
        return true;
      }
    };
    try (IntentScope outer = Airlock.open(trusting)) {
      try (Urgent inner = Airlock.open(new Urgent())) {
        Airlock.enqueue(recorder.effect("page", "on-call"));
        Airlock.enqueue(recorder.effect("mail"));
        inner.complete();
      }
      assertEquals(List.of("page(\"on-call\")"), recorder.ran, "the page went out as the inner scope flushed");
      outer.discard();
    }
    assertEquals(List.of("page(\"on-call\")"), recorder.ran, "the outer scope dropped the mail");
  }

  @Test
  void anAncestorThatDoesNotLetItThroughCapturesWhatANestedScopeWantedToDispatchAtOnce() {
    IntentScope trusting;
    try (IntentScope outermost = Airlock.scope(recorder)) {          // captures by default: airlock's rule
      trusting = Airlock.open(new IntentScope(recorder, null, null) {
        @Override
        protected boolean letsDescendantDispatch(IntentScope descendant, Intent intent) {
          return true;
        }
      });
      try (Urgent inner = Airlock.open(new Urgent())) {
        Airlock.enqueue(recorder.effect("page", "on-call"));
        inner.complete();
      }
      assertEquals(List.of(), recorder.ran, "the outermost scope has the last word");
      assertEquals(1, outermost.capturedIntents().size(), "it captured the page, past the trusting scope");
      trusting.complete();
      trusting.close();
      outermost.discard();
    }
    assertEquals(List.of(), recorder.ran, "and dropped it with its discard");
  }

  @Test
  void aNestedScopeThatDiscardsLeavesItsParentAlone() {
    try (IntentScope outer = Airlock.scope(recorder)) {
      Airlock.enqueue(recorder.effect("before"));
      try (IntentScope inner = Airlock.scope()) {
        Airlock.enqueue(recorder.effect("dropped"));
      } // no complete(): discarded
      Airlock.enqueue(recorder.effect("after"));
      outer.complete();
    }
    assertEquals(List.of("before()", "after()"), recorder.ran);
  }

  @Test
  void threeLevelsDecideFromTheOutside() {
    try (IntentScope top = Airlock.scope(recorder)) {
      try (IntentScope middle = Airlock.scope()) {
        try (IntentScope bottom = Airlock.scope()) {
          Airlock.enqueue(recorder.effect("fromBottom"));
          bottom.complete();
        }
        Airlock.enqueue(recorder.effect("fromMiddle"));
        // middle fails: both its own intent and what bottom handed it are dropped
      }
      try (IntentScope sibling = Airlock.scope()) {
        Airlock.enqueue(recorder.effect("fromSibling"));
        sibling.complete();
      }
      assertEquals(List.of(), recorder.ran);
      top.complete();
    }
    assertEquals(List.of("fromSibling()"), recorder.ran);
  }

  @Test
  void closingRestoresThePreviousScope() {
    try (IntentScope outer = Airlock.scope(recorder)) {
      try (IntentScope inner = Airlock.scope()) {
        assertSame(inner, Airlock.current().orElseThrow());
      }
      assertSame(outer, Airlock.current().orElseThrow());
      assertFalse(outer.pending().iterator().hasNext());
    }
  }

  @Test
  void aScopesIntentsStayReadableAfterItEndedSoATestCanDropEverythingAndLook() {
    IntentScope scope;
    try (IntentScope outer = Airlock.scope(recorder, new DropAll(), null)) {
      scope = outer;
      Airlock.enqueue(recorder.effect("sendMail", "a@b"));
      try (IntentScope inner = Airlock.scope()) {
        Airlock.enqueue(recorder.effect("sms", "555"));
        inner.complete();
      }
      outer.complete();
    }
    assertEquals(List.of(), recorder.ran, "nothing ran");
    assertTrue(scope.isFlushed());
    assertFalse(scope.isDiscarded());
    assertEquals(List.of("sendMail(\"a@b\")", "sms(\"555\")"), names(scope.intents()), "what would have run, in order");
    assertEquals(List.of("sendMail(\"a@b\")"), names(scope.ownIntents()));
    assertEquals(List.of("sms(\"555\")"), names(scope.capturedIntents()), "handed up by the nested scope");
    assertEquals(List.of(), scope.pending(), "nothing pending once ended");
  }

  @Test
  void aDiscardedScopeSaysSoAndKeepsItsIntentsForInspection() {
    IntentScope scope = Airlock.scope(recorder);
    Airlock.enqueue(recorder.effect("sendMail"));
    scope.close(); // complete() not reached: discarded
    assertTrue(scope.isDiscarded());
    assertFalse(scope.isFlushed());
    assertEquals(List.of("sendMail()"), names(scope.intents()));
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void aSubclassCanDropThePendingIntentsEnqueuedSinceAMark() {
    class Undoing extends IntentScope {
      Undoing() {
        super(recorder, null, null);
      }

      List<Intent> undoFrom(int mark) {
        return dropPendingFrom(mark);
      }
    }
    Undoing scope = Airlock.open(new Undoing());
    Airlock.enqueue(recorder.effect("kept"));
    int mark = scope.pending().size();
    Airlock.enqueue(recorder.effect("undone"));
    assertEquals(List.of("undone()"), names(scope.undoFrom(mark)));
    assertEquals(List.of(), scope.undoFrom(5), "past the end: nothing");
    assertThrows(IllegalArgumentException.class, () -> scope.undoFrom(-1));
    assertEquals(List.of("kept()"), names(scope.intents()), "as if never enqueued");
    scope.complete();
    scope.close();
    assertEquals(List.of("kept()"), recorder.ran);
    assertThrows(ScopeStateException.class, () -> scope.undoFrom(0), "not once the scope has ended");
  }

  private static List<String> names(List<Intent> intents) {
    return intents.stream().map(Intent::toString).toList();
  }

  /** An executor that sends batches as one step, recording each batch and each single dispatch. */
  private static final class Batching implements IntentExecutor {
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    Exception failure;

    @Override public void dispatch(Intent intent) {
      calls.add("one " + intent.name());
    }

    @Override public boolean dispatchBatch(List<Intent> intents) throws Exception {
      if (failure != null) throw failure;
      calls.add("batch " + intents.stream().map(Intent::name).toList());
      return true;
    }
  }

  @Test
  void anExecutorThatSendsBatchesGetsTheAllowedIntentsOfAFlushAsOneBatchAndASingleIntentAlone() {
    Batching executor = new Batching();
    try (IntentScope scope = Airlock.scope(executor)) {
      Airlock.enqueue(Intent.named("first").build());
      try (Airlock.PolicyBlock dropAll = Airlock.policy(new IntentPolicy() {
        @Override public boolean allows(Intent intent) {
          return false;
        }
      })) {
        Airlock.enqueue(Intent.named("refused").build());
      }
      Airlock.enqueue(Intent.named("second").build());
      scope.complete();
    }
    try (IntentScope scope = Airlock.scope(executor)) {
      Airlock.enqueue(Intent.named("alone").build());
      scope.complete();
    }
    assertEquals(List.of("batch [first, second]", "one alone"), executor.calls, "policies first, then one batch");
  }

  @Test
  void aBatchThatFailsFailsTheFlushWithEveryIntentOfIt() {
    Batching executor = new Batching();
    executor.failure = new IOException("database down");
    IntentScope scope = Airlock.scope(executor);
    Airlock.enqueue(Intent.named("first").build());
    Airlock.enqueue(Intent.named("second").build());
    scope.complete();
    IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::close);
    assertEquals(List.of("first", "second"), e.failedIntents().stream().map(Intent::name).toList());
    assertSame(executor.failure, e.getCause() != null ? e.getCause() : e.getSuppressed()[0]);
    assertEquals(List.of(), executor.calls, "nothing dispatched one by one after a failed batch");
  }

  @Test
  void anExecutorWithoutABatchStepDispatchesEachIntentInTurn() {
    try (IntentScope scope = Airlock.scope(recorder)) {
      Airlock.enqueue(recorder.effect("first"));
      Airlock.enqueue(recorder.effect("second"));
      scope.complete();
    }
    assertEquals(List.of("first()", "second()"), recorder.ran);
  }
}
