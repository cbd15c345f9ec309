// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

import dev.corobridge.AsyncTask;
import dev.corobridge.internal.Stages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

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
 *
 * <p>An async attempt leaves when the stage it returned completes. That stage is kept as {@code pending} instead of
 * being watched with a callback of its own: the executor completes the task's future from the stage, so in the
 * usual order the stage is done by the time the future is, and the future's callback ({@link #accept}) sees the
 * attempt out. Only when the future completes first (a cancel, a deadline) is a callback put on the stage; a retry
 * sees the previous attempt's stage done when it enters. Whoever takes {@code pending} away (one compare-and-set)
 * is the one that sees the attempt out, so it leaves exactly once.
 *
 * <p>A forked child is itself the task submitted to the executor ({@link Forked}, {@link ForkedBlocking}), and the
 * scope keeps its children in a list linked through them ({@code previous}, {@code next}, guarded by the scope's
 * monitor): a parked child costs this object, its task's future and the future's callback.
 */
class ScopeChild implements ScopeParent, BiConsumer<Object, Throwable>, BiFunction<Object, Throwable, Void> {
  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;
  private static final AtomicIntegerFieldUpdater<ScopeChild> STATE =
      AtomicIntegerFieldUpdater.newUpdater(ScopeChild.class, "state");
  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<ScopeChild, CompletableFuture> PENDING =
      AtomicReferenceFieldUpdater.newUpdater(ScopeChild.class, CompletableFuture.class, "pending");

  final StructuredScope<?> scope;
  private volatile int state = IDLE;
  /** The task's future (null for the body until its stage is known, and before submit returns). */
  private volatile CompletableFuture<?> future;
  /** The stage of an async attempt not yet seen to have ended, or null. */
  private volatile CompletableFuture<?> pending;
  private volatile boolean cancelRequested;
  /** Scopes opened inside this child and not finished. Guarded by this. */
  private List<StructuredScope<?>> nested;
  /** The scope's list of children. Guarded by the scope's monitor. */
  ScopeChild previous;
  ScopeChild next;

  ScopeChild(StructuredScope<?> scope) {
    this.scope = scope;
  }

  // ------------------------------------------------------------------------------------ running

  /** An attempt starts; false if the child was cancelled or closed first, and then it must not run. */
  boolean enter() {
    if (cancelRequested) {
      return false;
    }
    CompletableFuture<?> previousStage = pending; // a retry: the previous attempt's stage is done
    if (previousStage != null && PENDING.compareAndSet(this, previousStage, null)) {
      state = IDLE;
    }
    return STATE.compareAndSet(this, IDLE, RUNNING);
  }

  /** The attempt's code has stopped. */
  void exit() {
    state = IDLE;
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

  /** An async attempt: leaves when the stage it returned completes (see the overview). */
  <T> CompletionStage<T> leaveWhenDone(CompletionStage<T> stage) {
    if (stage == null) {
      exit();
      return null;
    }
    CompletableFuture<T> done = Stages.follow(stage); // completes once, whatever the stage does
    pending = done;
    CompletableFuture<?> f = future;
    if (f != null && f.isDone()) {
      seeAttemptOut(done); // the future completed first: the stage is watched
    }
    return stage;
  }

  /** Sees the attempt whose stage is {@code stage} out, unless someone else took it: now if it is done, else when it is. */
  private void seeAttemptOut(CompletableFuture<?> stage) {
    if (!PENDING.compareAndSet(this, stage, null)) {
      return;
    }
    if (stage.isDone()) {
      exit();
    } else {
      stage.handle(this);
    }
  }

  /** The stage of an attempt that outlived its future completed. */
  @Override
  public Void apply(Object value, Throwable error) {
    exit();
    return null;
  }

  // ------------------------------------------------------------------------------------ the future

  /** The task's future, or null before it is attached (and for the body). */
  CompletableFuture<?> future() {
    return future;
  }

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
    CompletableFuture<?> stage = pending;
    if (stage != null) {
      seeAttemptOut(stage);
    }
    tryClose();
  }

  /**
   * Closes the child if no attempt runs: when its future is done, or at once for a child whose task
   * could not be submitted (it never ran).
   */
  void tryClose() {
    if (STATE.compareAndSet(this, IDLE, CLOSED)) {
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

  /** A child forked with {@code fork}: the async task the executor runs for it. */
  static final class Forked<T> extends ScopeChild implements AsyncTask<T> {
    private final AsyncTask<T> task;

    Forked(StructuredScope<?> scope, AsyncTask<T> task) {
      super(scope);
      this.task = task;
    }

    @Override
    public CompletionStage<T> call() throws Exception {
      if (!enter()) {
        throw notStarted(scope);
      }
      CompletionStage<T> stage;
      try {
        stage = runAsCurrent(task::call);
      } catch (Throwable e) {
        exit();
        throw e;
      }
      return leaveWhenDone(stage);
    }
  }

  /** A child forked with {@code forkBlocking}: the blocking call the executor makes for it. */
  static final class ForkedBlocking<T> extends ScopeChild implements Callable<T> {
    private final Callable<T> task;

    ForkedBlocking(StructuredScope<?> scope, Callable<T> task) {
      super(scope);
      this.task = task;
    }

    @Override
    public T call() throws Exception {
      if (!enter()) {
        throw notStarted(scope);
      }
      try {
        return runAsCurrent(task::call);
      } finally {
        exit();
      }
    }
  }
}
