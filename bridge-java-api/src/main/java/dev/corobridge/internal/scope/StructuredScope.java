// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

import dev.corobridge.internal.Stages;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncTask;
import dev.corobridge.ExecutorShutdownException;
import dev.corobridge.ScopeOptions;
import dev.corobridge.ScopedBody;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one implementation of {@link TaskScope} and of {@link AsyncExecutor#scoped}, written against the
 * public {@link AsyncExecutor} contract so that every runtime behaves the same. Not part of the public API.
 *
 * <p>Overview: a scope counts its {@code live} children (forked tasks and nested scopes that have not
 * really stopped, see {@link ScopeChild}); a {@code scoped} call also waits for the stage its body
 * returned ({@code bodyPending}). The policy reacts to each child's outcome when its future completes:
 * it records the scope's {@code failure} and may cancel the other children. Cancelling seals the scope
 * (forks are refused from then on) and cancels every child, which cancels the scopes nested in it. A
 * deadline is a {@code waitFor} with a timeout on the scope's end, so it runs on the executor's own
 * clock (virtual time in tests). The scope's state is guarded by its monitor, held only for
 * bookkeeping: children are cancelled and futures completed after leaving it.
 */
public final class StructuredScope<R> implements TaskScope {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final AsyncExecutor executor;
  private final WaitStrategy policy;
  private final String name;
  /** What this scope is nested in, or null. Set in the constructor only. */
  private ScopeParent parent;
  /** Completes once the scope has ended: all stopped and no more work (scoped), or closed (openScope). */
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  /** The future of a {@code scoped} call, else null. */
  private final ScopeFuture<R> result;
  /** Parent of the scopes the body opens. */
  private final ScopeChild body = new ScopeChild(this);

  // Guarded by this.
  /** The children not yet stopped, in the order they were forked (linked through them). */
  private ScopeChild firstChild;
  private ScopeChild lastChild;
  private int live;
  private CompletableFuture<Void> idle;
  private boolean sealed;
  private boolean cancelled;
  private boolean finished;
  private Throwable failure;
  private Throwable firstFailure;
  private boolean anySuccess;
  private boolean decided;
  private boolean bodyPending;
  private CompletionStage<R> bodyStage;
  private Object bodyValue;
  private Throwable bodyFailure;

  private StructuredScope(AsyncExecutor executor, ScopeOptions options, boolean scoped) {
    this.executor = executor;
    this.policy = options.policy();
    this.name = options.name().orElse(null);
    this.result = scoped ? new ScopeFuture<>(this) : null;
    this.bodyPending = scoped;
    ScopeParent current = ScopeParent.current();
    this.parent = current; // before adopt: a parent cancelled meanwhile ends this scope, which releases it
    if (current != null && !current.adopt(this)) {
      this.parent = null;
      sealed = true;
      cancelled = true;
      failure = new CancellationException(describe() + " was opened in work that is already cancelled");
    }
    options.deadline().ifPresent(this::startDeadline); // ScopeOptions keeps no deadline too large to count
  }

  // ------------------------------------------------------------------------------------ entry points

  /** {@link AsyncExecutor#openScope(ScopeOptions)} for any executor. */
  public static TaskScope open(AsyncExecutor executor, ScopeOptions options) {
    Checks.notNull(options, "options");
    ensureRunning(executor);
    return new StructuredScope<Void>(executor, options, false);
  }

  /** {@link AsyncExecutor#scoped(ScopeOptions, ScopedBody)} for any executor. */
  public static <R> CompletableFuture<R> scoped(AsyncExecutor executor, ScopeOptions options, ScopedBody<R> body) {
    Checks.notNull(options, "options");
    Checks.notNull(body, "body");
    ensureRunning(executor);
    StructuredScope<R> scope = new StructuredScope<>(executor, options, true);
    scope.runBody(body);
    return scope.result;
  }

  private static void ensureRunning(AsyncExecutor executor) {
    if (!executor.isRunning()) {
      throw new ExecutorShutdownException(executor + " is shut down and opens no new scope");
    }
  }

  private void runBody(ScopedBody<R> bodyCode) {
    CompletionStage<R> stage;
    try {
      stage = body.runAsCurrent(() -> bodyCode.run(this));
      if (stage == null) {
        throw new NullPointerException("the scope's body returned null instead of a CompletionStage");
      }
    } catch (Throwable e) {
      bodyEnded(null, e);
      return;
    }
    boolean cancelNow;
    synchronized (this) {
      bodyStage = stage;
      // Cancelled with its body (a failure, the deadline, cancel()) while the body ran: the scope no
      // longer waits for the stage. A policy that ends the scope well (FIRST_SUCCESS) leaves it alone.
      cancelNow = !bodyPending;
    }
    if (cancelNow) {
      cancelStage(stage);
    }
    Stages.follow(stage).whenComplete(this::bodyEnded);
  }

  private void bodyEnded(Object value, Throwable error) {
    Throwable e = Failures.unwrap(error);
    if (e != null && !(e instanceof CancellationException)) {
      childCompleted(null, e); // a failure of the body counts as a child's
    }
    synchronized (this) {
      if (!bodyPending) {
        return; // the scope was cancelled and stopped waiting for the body
      }
      bodyPending = false;
      bodyStage = null;
      bodyValue = value;
      bodyFailure = e;
    }
    tryFinish();
  }

  // ------------------------------------------------------------------------------------ forking

  @Override
  public <T> CompletableFuture<T> fork(AsyncTask<T> task) {
    return fork(task, TaskOptions.defaults());
  }

  @Override
  public <T> CompletableFuture<T> fork(AsyncTask<T> task, TaskOptions options) {
    Checks.notNull(task, "task");
    Checks.notNull(options, "options");
    ScopeChild.Forked<T> child = admit(new ScopeChild.Forked<>(this, task));
    CompletableFuture<T> future;
    try {
      future = executor.submit(child, options);
    } catch (RuntimeException | Error refused) {
      child.tryClose(); // never submitted: closed at once
      throw refused;
    }
    child.attach(future);
    return future;
  }

  @Override
  public <T> CompletableFuture<T> forkBlocking(Callable<T> task) {
    return forkBlocking(task, TaskOptions.defaults());
  }

  @Override
  public <T> CompletableFuture<T> forkBlocking(Callable<T> task, TaskOptions options) {
    Checks.notNull(task, "task");
    Checks.notNull(options, "options");
    ScopeChild.ForkedBlocking<T> child = admit(new ScopeChild.ForkedBlocking<>(this, task));
    CompletableFuture<T> future;
    try {
      future = executor.submitBlocking(child, options);
    } catch (RuntimeException | Error refused) {
      child.tryClose(); // never submitted: closed at once
      throw refused;
    }
    child.attach(future);
    return future;
  }

  /** Counts a new child in (last in the list of children), or refuses the fork. */
  private <C extends ScopeChild> C admit(C child) {
    synchronized (this) {
      if (sealed) {
        throw new IllegalStateException("cannot fork into " + describe() + ": it has "
            + (cancelled ? "been cancelled" : finished ? "completed" : "been closed") + "; the child was not started");
      }
      child.previous = lastChild;
      if (lastChild == null) {
        firstChild = child;
      } else {
        lastChild.next = child;
      }
      lastChild = child;
      countIn();
    }
    return child;
  }

  /** A nested scope is adopted through one of this scope's children: counted as live until it finishes. */
  boolean adoptNested() {
    synchronized (this) {
      if (cancelled) {
        return false;
      }
      countIn();
    }
    return true;
  }

  void nestedFinished() {
    countOut();
  }

  private void countIn() {
    if (live++ == 0) {
      idle = new CompletableFuture<>();
    }
  }

  // ------------------------------------------------------------------------------------ outcomes

  /** A child's future completed: the policy decides what it means. */
  void childCompleted(Object value, Throwable error) {
    Throwable e = Failures.unwrap(error);
    if (e instanceof CancellationException) {
      return; // cancelled children are neither successes nor failures
    }
    boolean cancelOthers = false;
    boolean failing = false;
    synchronized (this) {
      if (finished) {
        return;
      }
      if (e == null) {
        if (policy == WaitStrategy.FIRST_SUCCESS && !anySuccess) {
          anySuccess = true;
          cancelOthers = true;
        } else if (policy == WaitStrategy.FIRST_COMPLETED && !decided) {
          decided = true;
          cancelOthers = true;
        }
      } else {
        switch (policy) {
          case FIRST_EXCEPTION -> {
            cancelOthers = failing = failure == null;
            failure = attach(failure, e);
          }
          case ALL_COMPLETED -> failure = attach(failure, e);
          case FIRST_SUCCESS -> firstFailure = attach(firstFailure, e);
          case FIRST_COMPLETED -> {
            if (!decided) {
              decided = true;
              failure = e;
              cancelOthers = failing = true;
            }
          }
        }
      }
    }
    if (cancelOthers) {
      cancelChildren(failing);
    }
  }

  /** The first failure, with later ones attached to it as suppressed. Called holding the monitor. */
  private static Throwable attach(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    if (first != next) {
      first.addSuppressed(next);
    }
    return first;
  }

  /** A child has really stopped. */
  void childStopped(ScopeChild child) {
    synchronized (this) {
      ScopeChild before = child.previous;
      ScopeChild after = child.next;
      if (before == null) {
        firstChild = after;
      } else {
        before.next = after;
      }
      if (after == null) {
        lastChild = before;
      } else {
        after.previous = before;
      }
      child.previous = null;
      child.next = null;
    }
    countOut();
  }

  private void countOut() {
    CompletableFuture<Void> nowIdle = null;
    synchronized (this) {
      if (--live == 0) {
        nowIdle = idle;
        idle = null;
      }
    }
    if (nowIdle != null) {
      nowIdle.complete(null);
      tryFinish();
    }
  }

  /** Ends a {@code scoped} call once its body's stage and every child are done. */
  private void tryFinish() {
    if (result == null) {
      return;
    }
    Throwable error;
    Object value;
    synchronized (this) {
      if (finished || live > 0 || bodyPending) {
        return;
      }
      finished = true;
      sealed = true;
      error = outcomeFailure();
      if (error == null) {
        error = bodyFailure;
      }
      value = bodyValue;
    }
    @SuppressWarnings("unchecked") R r = (R) value;
    result.finish(r, error);
    end();
  }

  /** What the scope fails with as its policy says, or null. Called holding the monitor. */
  private Throwable outcomeFailure() {
    if (failure != null) {
      return failure;
    }
    if (policy == WaitStrategy.FIRST_SUCCESS && !anySuccess) {
      return firstFailure;
    }
    return null;
  }

  private void end() {
    ended.complete(null);
    if (parent != null) {
      parent.release(this);
    }
  }

  // ------------------------------------------------------------------------------------ cancelling

  @Override
  public void cancel() {
    cancel(new CancellationException(describe() + " was cancelled"));
  }

  private void cancel(Throwable reason) {
    synchronized (this) {
      if (finished) {
        return;
      }
      if (failure == null) {
        failure = reason;
      }
    }
    cancelChildren(true);
  }

  /**
   * Seals the scope and cancels every child. {@code withBody}: the scope fails anyway, so the body's stage
   * is cancelled too and no longer waited for; a policy that ends the scope well leaves it alone.
   */
  private void cancelChildren(boolean withBody) {
    List<ScopeChild> toCancel;
    CompletionStage<?> stage = null;
    boolean stoppedWaiting = false;
    synchronized (this) {
      sealed = true;
      cancelled = true;
      toCancel = new ArrayList<>();
      for (ScopeChild child = firstChild; child != null; child = child.next) {
        toCancel.add(child);
      }
      if (withBody && bodyPending) {
        stage = bodyStage;
        bodyPending = false;
        bodyStage = null;
        stoppedWaiting = true;
      }
    }
    for (ScopeChild child : toCancel) {
      child.cancel();
    }
    if (withBody) {
      body.cancel();
    }
    if (stage != null) {
      cancelStage(stage);
    }
    if (stoppedWaiting) {
      tryFinish();
    }
  }

  private static void cancelStage(CompletionStage<?> stage) {
    Stages.cancel(stage); // a stage that cannot be reached: the scope no longer waits for it
  }

  @Override
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  private void startDeadline(Duration deadline) {
    CompletableFuture<WaitResult<Void>> timer = executor.waitFor(List.of(ended), WaitStrategy.ALL_COMPLETED, deadline);
    timer.thenAccept(partition -> {
      if (!partition.pending().isEmpty()) {
        cancel(new TimeoutException(describe() + " did not complete within its deadline of " + deadline));
      }
    });
  }

  // ------------------------------------------------------------------------------------ waiting

  /** Refuses a wait from one of this scope's own children, which would wait for itself. */
  private void refuseOwnChild(String call) {
    if (ScopeParent.current() instanceof ScopeChild child && child != body && child.belongsTo(this)) {
      throw new IllegalStateException(call + " called from a child of " + describe() + " would wait for that child itself; "
          + "join or close a scope from the code that opened it");
    }
  }

  @Override
  public void join() throws InterruptedException {
    refuseOwnChild("join()");
    runQueuedChildrenHere();
    CompletableFuture<Void> waitFor;
    synchronized (this) {
      waitFor = idle;
    }
    awaitOnThread(waitFor != null ? waitFor : DONE); // refused on an async thread even when nothing runs
    Throwable error;
    synchronized (this) {
      error = outcomeFailure();
    }
    if (error != null) {
      throw new CompletionException(error);
    }
  }

  @Override
  public void close() {
    refuseOwnChild("close()");
    CompletableFuture<Void> waitFor;
    boolean running;
    synchronized (this) {
      running = live > 0 && !sealed;
      sealed = true;
      waitFor = idle;
    }
    if (running) {
      cancelChildren(false);
    }
    if (waitFor != null) {
      boolean interrupted = false;
      while (true) {
        try {
          awaitOnThread(waitFor);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (result == null) {
      boolean first;
      synchronized (this) {
        first = !finished;
        finished = true;
      }
      if (first) {
        end();
      }
    }
  }

  /**
   * Before a thread of the caller's own waits for this scope: runs the children that still wait for a worker of an
   * engine on that thread ({@link QueuedForWorker}), as long as worker slots are free. A thread that runs an engine's
   * task does not (it lends its slot or is refused instead), nor does the manual runtime (which runs its loop).
   */
  private void runQueuedChildrenHere() {
    if (executor instanceof LendingWait || LendingWait.current() != null) {
      return;
    }
    while (true) {
      List<CompletableFuture<?>> queued = null;
      synchronized (this) {
        for (ScopeChild child = firstChild; child != null; child = child.next) {
          CompletableFuture<?> future = child.future();
          if (future instanceof QueuedForWorker && !future.isDone()) {
            if (queued == null) {
              queued = new ArrayList<>();
            }
            queued.add(future);
          }
        }
      }
      if (queued == null || !((QueuedForWorker) queued.get(0)).runHere(queued)) {
        return; // none waits any more, or no slot is free: each pass that goes on ran a child, so passes are few
      }
    }
  }

  private void awaitOnThread(CompletableFuture<Void> done) throws InterruptedException {
    // The executor knows best how to wait for its own work (the manual runtime drives its loop); else the
    // worker running on this thread lends its slot, or refuses if its thread must not block.
    LendingWait waiter = executor instanceof LendingWait own ? own : LendingWait.current();
    if (waiter != null) {
      waiter.awaitLendingSlot(done);
      return;
    }
    try {
      done.get();
    } catch (ExecutionException e) {
      throw new AssertionError("a scope's idle signal never fails", e);
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  String describe() {
    return name == null ? "the scope" : "scope \"" + name + "\"";
  }

  @Override
  public String toString() {
    synchronized (this) {
      String state = finished ? "finished" : cancelled ? "cancelled" : sealed ? "closing" : "open";
      return "TaskScope[" + (name == null ? "" : name + ", ") + policy + ", " + state + ", live=" + live + "]";
    }
  }

  /** The future of a {@code scoped} call: completing it from outside cancels the scope. */
  private static final class ScopeFuture<R> extends CompletableFuture<R> {
    private final StructuredScope<R> scope;
    private volatile boolean finishing;

    ScopeFuture(StructuredScope<R> scope) {
      this.scope = scope;
    }

    void finish(R value, Throwable error) {
      finishing = true;
      if (error == null) {
        super.complete(value);
      } else {
        super.completeExceptionally(error);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return completedFromOutside(super.cancel(mayInterruptIfRunning));
    }

    @Override
    public boolean complete(R value) {
      return completedFromOutside(super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      return completedFromOutside(super.completeExceptionally(ex));
    }

    /** A caller completed the future before the scope did: the scope is cancelled. */
    private boolean completedFromOutside(boolean done) {
      if (done && !finishing) {
        scope.cancel();
      }
      return done;
    }

    /** Waits as {@link CompletableFuture#join()} does, running the scope's queued children first (see {@code runQueuedChildrenHere}). */
    @Override
    public R join() {
      if (!isDone()) {
        scope.runQueuedChildrenHere();
      }
      return super.join();
    }

    /** Waits as {@link CompletableFuture#get()} does, running the scope's queued children first (see {@code runQueuedChildrenHere}). */
    @Override
    public R get() throws InterruptedException, ExecutionException {
      if (!isDone()) {
        scope.runQueuedChildrenHere();
      }
      return super.get();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
