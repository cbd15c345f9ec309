// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

import dev.corobridge.internal.Stages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One piece of a scope's work: a forked task, or the body of a {@code scoped} call. It knows when it has
 * really stopped, which for a task is later than its future's completion: a cancelled task's future
 * completes at once, but its code may still be running.
 *
 * <p>Overview: {@code state} is IDLE, RUNNING (an attempt's code runs: the task's {@code call()} and the
 * stage it returned, or its blocking call) or CLOSED. An attempt enters IDLE -> RUNNING and leaves
 * RUNNING -> IDLE; the child closes IDLE -> CLOSED once its future is done, whichever of "attempt left"
 * and "future done" comes last, so it closes exactly once and never while code of it runs. An attempt
 * that finds the child CLOSED (cancelled before it started) does not run. Scopes opened while the
 * child's code runs are nested in it: cancelling the child cancels them.
 */
final class ScopeChild implements ScopeParent, BiConsumer<Object, Throwable> {
  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;

  private final StructuredScope<?> scope;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  /** The task's future (null for the body until its stage is known, and before submit returns). */
  private volatile CompletableFuture<?> future;
  private volatile boolean cancelRequested;
  /** Scopes opened inside this child and not finished. Guarded by this. */
  private List<StructuredScope<?>> nested;

  ScopeChild(StructuredScope<?> scope) {
    this.scope = scope;
  }

  // ------------------------------------------------------------------------------------ running

  /** An attempt starts; false if the child was cancelled or closed first, and then it must not run. */
  boolean enter() {
    if (cancelRequested) {
      return false;
    }
    return state.compareAndSet(IDLE, RUNNING);
  }

  /** The attempt's code has stopped. */
  void exit() {
    state.set(IDLE);
    CompletableFuture<?> f = future;
    if (f != null && f.isDone()) {
      tryClose();
    }
  }

  /** Runs {@code call} as this child's attempt with the child current, so scopes opened there nest in it. */
  <T> T runAsCurrent(ThrowingSupplier<T> call) throws Exception {
    ScopeParent previous = ScopeParent.swap(this);
    try {
      return call.get();
    } finally {
      ScopeParent.swap(previous);
    }
  }

  /** Code that may throw, run by {@link #runAsCurrent}. */
  @FunctionalInterface
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  /** An async attempt: leaves when the stage it returned completes. */
  <T> CompletionStage<T> leaveWhenDone(CompletionStage<T> stage) {
    if (stage == null) {
      exit();
      return null;
    }
    Stages.follow(stage).whenComplete((v, e) -> exit()); // once, whatever the stage does
    return stage;
  }

  // ------------------------------------------------------------------------------------ the future

  /** Attaches the task's future: its completion is reported to the scope, and closes the child once no attempt runs. */
  void attach(CompletableFuture<?> taskFuture) {
    this.future = taskFuture;
    if (cancelRequested) {
      taskFuture.cancel(true);
    }
    taskFuture.whenComplete(this);
  }

  /** The future completed. */
  @Override
  public void accept(Object value, Throwable error) {
    if (future.isCancelled()) {
      cancelNested();
    }
    scope.childCompleted(value, error);
    tryClose();
  }

  /**
   * Closes the child if no attempt runs: when its future is done, or at once for a child whose task
   * could not be submitted (it never ran).
   */
  void tryClose() {
    if (state.compareAndSet(IDLE, CLOSED)) {
      scope.childStopped(this);
    }
  }

  // ------------------------------------------------------------------------------------ cancelling

  /** Cancels the task (interrupting a blocking one) and every scope nested in it. */
  void cancel() {
    cancelRequested = true;
    CompletableFuture<?> f = future;
    if (f != null) {
      f.cancel(true);
    }
    cancelNested();
  }

  private void cancelNested() {
    List<StructuredScope<?>> toCancel;
    synchronized (this) {
      if (nested == null || nested.isEmpty()) {
        return;
      }
      toCancel = new ArrayList<>(nested);
    }
    for (StructuredScope<?> n : toCancel) {
      n.cancel();
    }
  }

  @Override
  public boolean adopt(StructuredScope<?> child) {
    if (cancelRequested || !scope.adoptNested()) {
      return false;
    }
    synchronized (this) {
      if (nested == null) {
        nested = new ArrayList<>(2);
      }
      nested.add(child);
    }
    if (cancelRequested) {
      child.cancel();
    }
    return true;
  }

  @Override
  public void release(StructuredScope<?> child) {
    synchronized (this) {
      if (nested != null) {
        nested.remove(child);
      }
    }
    scope.nestedFinished();
  }

  /** Whether this is a piece of {@code other}'s work. */
  boolean belongsTo(StructuredScope<?> other) {
    return scope == other;
  }

  /** The exception a child that is cancelled before it started fails with. */
  static CancellationException notStarted(StructuredScope<?> scope) {
    return new CancellationException(scope.describe() + " was cancelled before this child started");
  }
}
