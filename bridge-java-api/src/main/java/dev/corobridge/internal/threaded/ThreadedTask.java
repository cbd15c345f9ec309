// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.AsyncSemaphore;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskPanicException;
import dev.corobridge.internal.Cancellations;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.Stages;
import dev.corobridge.internal.StallWatchdog;
import dev.corobridge.internal.Timed;
import dev.corobridge.internal.scope.CallFrame;
import dev.corobridge.internal.scope.LendingWait;
import dev.corobridge.internal.engine.EngineLog;
import dev.corobridge.internal.engine.TaskTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One accepted task of a {@link ThreadedExecutor}, from acceptance to its one completion.
 *
 * <p>Overview: an attempt takes its permits in order (the options' semaphore, the lane, a worker
 * slot), each a FIFO {@link AsyncSemaphore} that wakes the task when its turn comes; then the body
 * runs on a worker of the host. When the body's outcome is known the permits go back, in reverse
 * order, and the task either completes its future or, under a retry policy, waits for the back-off
 * and starts the next attempt. Whatever completes the future first wins (the outcome, the timeout,
 * a caller's {@code cancel}); completing it from outside stops the task: a permit being waited for is
 * withdrawn, a back-off is called off, a running body's stage is cancelled or its thread interrupted
 * (once per attempt, however many reasons to stop come). The timeout fails the future at the deadline,
 * right after sending that signal, whether or not the work heeds it. The task leaves the executor's
 * count of units in flight exactly once, when it holds no permit and no body of it runs: work that
 * ignores the signal keeps its permits until it has really stopped.
 *
 * <p>Parking: an async attempt whose call submitted work to this executor and returned a stage that is
 * still pending waits for that work (directly or through a stage composed from it). It gives its worker
 * slot back at once, keeping its other permits, so that the work it waits for can run even when every
 * slot is taken by such tasks; it finishes without taking a slot again.
 *
 * <p>The state is guarded by the task's monitor, held only for bookkeeping: futures are completed and
 * permits released after leaving it, so no user code and no other task runs under it.
 */
final class ThreadedTask<T> implements Runnable, LendingWait {
  enum Kind {
    /** The body returns a stage; it runs on a worker and must not block. */
    ASYNC,
    /** The body returns the value; it runs on a worker and is interrupted when stopped. */
    BLOCKING,
    /** The body returns a value, or a stage to follow; it runs on a worker that may block. */
    APPROPRIATE
  }

  private static final CancellationException WITHDRAWN = new CancellationException("permit request withdrawn");

  /** WAITING for permits or a back-off, RUNNING an attempt, ENDING one (its retry policy judges it), FINISHED. */
  private enum Phase { WAITING, RUNNING, ENDING, FINISHED }

  final CompletableFuture<T> future = new CompletableFuture<>();
  final ThreadedExecutor executor;
  final Kind kind;
  private final Callable<?> body;
  private final AsyncSemaphore[] permits;
  private final RetryPolicy retry;
  private final String name;
  /** Whether {@code shutdownNow()} lists the task if it never started: its caller holds the future. */
  final boolean listed;
  /** Tells the executor's listeners of the task's events; null when it has none. */
  final TaskTrace trace;
  private Timed timeout;
  /** The bound on each attempt in nanoseconds, or -1 for none; set once by {@link #start}. */
  private long attemptTimeoutNanos = -1;

  // Guarded by this.
  private Phase phase = Phase.WAITING;
  private int held;
  private CompletableFuture<Void> grant;
  private Timed backOff;
  private Thread thread;
  private CompletionStage<?> stage;
  /** The running attempt was told to stop (its thread interrupted, its stage cancelled). */
  private boolean stopSignalled;
  /** The running attempt's body was taken up by a worker, or claimed by {@link #failIfDropped}. */
  private boolean entered;
  /** The attempt's call submitted work to this executor (read by the thread that ran it). */
  private boolean startedNested;
  private int retries;
  private List<Throwable> earlierFailures;
  private boolean refused;
  private TimeoutException timedOut;
  /** The running attempt's own timer, and the exception it failed with when it ran out of time. */
  private Timed attemptTimer;
  private TimeoutException attemptExpired;

  ThreadedTask(ThreadedExecutor executor, Kind kind, Callable<?> body, AsyncSemaphore[] permits, RetryPolicy retry, String name,
               boolean listed, TaskTrace trace) {
    this.executor = executor;
    this.trace = trace;
    this.listed = listed;
    this.name = name;
    this.kind = kind;
    this.body = body;
    this.permits = permits;
    this.retry = retry;
  }

  /**
   * Starts the first attempt; {@code timeoutNanos} bounds the whole task, {@code attemptTimeoutNanos}
   * each attempt, {@code < 0} for none. Called once, after acceptance.
   */
  void start(long timeoutNanos, long attemptTimeoutNanos) {
    this.attemptTimeoutNanos = attemptTimeoutNanos;
    future.whenComplete((v, e) -> stop());
    if (timeoutNanos >= 0) {
      timeout = executor.host.schedule(() -> timeOut(timeoutNanos), timeoutNanos);
    }
    acquireNext();
  }

  /** Takes the permits still missing, then runs the body; returns early while a permit is awaited. */
  private void acquireNext() {
    CompletableFuture<Void> awaited = null;
    boolean run = false;
    synchronized (this) {
      while (!stopRequested() && !refused) {
        if (held == permits.length) {
          phase = Phase.RUNNING;
          stopSignalled = false;
          entered = false;
          executor.queued.decrementAndGet();
          executor.running.incrementAndGet();
          run = true;
          break;
        }
        CompletableFuture<Void> next = permits[held].acquire();
        if (!next.isDone()) {
          grant = awaited = next;
          break;
        }
        held++;
      }
    }
    if (awaited != null) {
      awaited.whenComplete(this::granted);
    } else if (run) {
      if (trace != null) trace.started();
      startAttemptTimer();
      dispatch();
    } else {
      finish(false);
    }
  }

  /**
   * The timeout expired: stop the work like a cancellation and fail the future with a
   * {@link TimeoutException} at once. Work that ignores the signal runs on, holding its permits, until
   * it stops; its outcome then changes nothing.
   */
  private void timeOut(long timeoutNanos) {
    TimeoutException expired;
    synchronized (this) {
      if (phase == Phase.FINISHED) return;
      expired = timedOut = new TimeoutException("the task did not finish within its timeout of " + java.time.Duration.ofNanos(timeoutNanos));
    }
    EngineLog.timedOut(executor.name(), (name == null ? "" : "\"" + name + "\": ") + expired.getMessage());
    stop();
    future.completeExceptionally(expired);
  }

  /** The attempt that is about to run gets a timer of its own, if the options bound each attempt. */
  private void startAttemptTimer() {
    if (attemptTimeoutNanos < 0) return;
    int attempt;
    synchronized (this) {
      attempt = retries;
    }
    Timed timer = executor.host.schedule(() -> attemptTimedOut(attempt), attemptTimeoutNanos);
    synchronized (this) {
      attemptTimer = timer;
    }
  }

  /**
   * The attempt numbered {@code attempt} ran out of time: stop its work (interrupt its thread, cancel its
   * stage); it ends with a {@link TimeoutException} once it has stopped, which the retry policy judges.
   */
  private void attemptTimedOut(int attempt) {
    Thread interrupt;
    CompletionStage<?> cancel;
    synchronized (this) {
      if (phase != Phase.RUNNING || retries != attempt || attemptExpired != null) return;
      attemptExpired = new TimeoutException("an attempt of the task did not finish within its attemptTimeout of "
          + java.time.Duration.ofNanos(attemptTimeoutNanos));
      EngineLog.timedOut(executor.name(), (name == null ? "" : "\"" + name + "\": ") + attemptExpired.getMessage());
      if (stopSignalled) return;
      stopSignalled = true;
      interrupt = kind == Kind.ASYNC ? null : thread;
      cancel = stage;
    }
    if (interrupt != null) interrupt.interrupt();
    if (cancel != null) Stages.cancel(cancel);
  }

  /** Whether the future is done or the timeout expired, so the work must stop. Called holding the monitor. */
  private boolean stopRequested() {
    return future.isDone() || timedOut != null;
  }

  /**
   * Cancels the task if no attempt of it has started yet (shutdown with {@code cancelFutures}); returns
   * whether this call cancelled it.
   */
  boolean cancelIfNotStarted() {
    synchronized (this) {
      if (phase != Phase.WAITING || retries > 0) return false;
      refused = true;
    }
    return future.completeExceptionally(notStarted()); // cancelled, with a message saying why
  }

  private void granted(Void ignored, Throwable withdrawn) {
    if (withdrawn != null) return; // stop() withdrew the request and finished the task
    synchronized (this) {
      grant = null;
      held++;
    }
    acquireNext();
  }

  private void dispatch() {
    try {
      executor.host.execute(this);
    } catch (RejectedExecutionException refused) {
      attemptEnded(null, new OutOfResourcesException("the executor that runs " + executor.name() + "'s work refused a task", refused));
    }
  }

  /** Whether the task runs under a worker slot (a command of {@code execute} does not). */
  boolean holdsSlot() {
    return permits.length > 0;
  }

  /** A wait in this task's body: the executor lends the task's slot (or refuses, for an async task). */
  @Override
  public void awaitLendingSlot(CompletableFuture<?> done) throws InterruptedException {
    executor.awaitLendingSlot(done);
  }

  /**
   * The host stopped for good (a caller's pool shut down with {@code shutdownNow()}): if this task's attempt was
   * handed to it and never taken up, it never will be, so the task fails with {@link OutOfResourcesException}.
   */
  void failIfDropped() {
    synchronized (this) {
      if (phase != Phase.RUNNING || entered) return;
      entered = true; // claimed: a late run() leaves it alone
    }
    attemptEnded(null, new OutOfResourcesException("the executor that runs " + executor.name()
        + "'s work stopped before the task ran (shut down with shutdownNow?)"));
  }

  /** Runs the body on a worker. */
  @Override
  public void run() {
    synchronized (this) {
      if (entered) return; // failed as dropped by its host
      entered = true;
    }
    LendingWait previous = LendingWait.swap(this);
    Object out;
    try {
      synchronized (this) {
        if (stopRequested() || attemptExpired != null) throw new CancellationException("stopped before it started");
        thread = Thread.currentThread();
      }
      StallWatchdog.Busy busy = kind == Kind.ASYNC && executor.stallWatchdog != null
          ? executor.stallWatchdog.enter(name != null ? name : "a task of " + executor.name()) : null;
      CallFrame frame = kind == Kind.BLOCKING ? null : CallFrame.current();
      Object outerOwner = frame == null ? null : frame.owner();
      boolean outerNested = frame != null && frame.startedNested();
      if (frame != null) frame.enter(executor);
      try {
        out = body.call();
      } finally {
        if (frame != null) {
          startedNested = frame.startedNested();
          frame.leave(outerOwner, outerNested);
        }
        if (busy != null) busy.exit();
        synchronized (this) {
          thread = null;
        }
        if (kind != Kind.ASYNC) Thread.interrupted(); // a late interrupt must not reach the next task on this thread
      }
    } catch (Throwable failure) {
      attemptEnded(null, failure);
      return;
    } finally {
      LendingWait.swap(previous);
    }
    if (kind == Kind.ASYNC && out == null) {
      attemptEnded(null, new NullPointerException("the task returned null instead of a CompletionStage"));
    } else if (kind != Kind.BLOCKING && out instanceof CompletionStage<?> s) {
      boolean stopped;
      boolean park = false;
      synchronized (this) {
        stage = s;
        stopped = stopRequested() || attemptExpired != null;
        if (startedNested && held == permits.length && !(s instanceof Future<?> f && f.isDone())) {
          held--; // the worker slot, always the last permit, goes back now (see parking in the overview)
          park = true;
        }
      }
      if (park) permits[permits.length - 1].release();
      CompletableFuture<?> outcome = Stages.follow(s); // completes once, whatever the stage does
      if (!park && executor.stallWatchdog != null && !outcome.isDone()) {
        StallWatchdog.Waiting w = executor.stallWatchdog.awaiting(name != null ? name : "a task of " + executor.name());
        outcome.whenComplete((v, e) -> w.done());
      }
      if (stopped) Stages.cancel(s);
      outcome.whenComplete(this::attemptEnded);
    } else {
      attemptEnded(out, null);
    }
  }

  /**
   * The attempt's outcome is known: give the permits back, let the retry policy judge it (user code: outside
   * the monitor, while the phase is ENDING), then retry or complete.
   */
  private void attemptEnded(Object value, Throwable failure) {
    Throwable error = Failures.unwrap(failure);
    long backOffNanos = -1;
    int release;
    int attempt;
    boolean judge;
    Timed expiredTimer;
    synchronized (this) {
      if (phase != Phase.RUNNING) return; // the attempt has ended already
      phase = Phase.ENDING;
      release = held;
      held = 0;
      stage = null;
      executor.running.decrementAndGet();
      expiredTimer = attemptTimer;
      attemptTimer = null;
      if (attemptExpired != null) error = attemptExpired; // stopped for running out of time, whatever it then did
      attemptExpired = null;
      if (timedOut != null) error = timedOut;
      judge = !stopRequested() && retry != RetryPolicy.none();
      attempt = retries + 1;
    }
    if (judge) backOffNanos = retry.retryDelayNanos(attempt, value, error);
    synchronized (this) {
      if (backOffNanos >= 0 && !stopRequested()) {
        if (error != null) {
          if (earlierFailures == null) earlierFailures = new ArrayList<>();
          earlierFailures.add(error);
        }
        retries++;
        phase = Phase.WAITING;
        executor.queued.incrementAndGet();
      } else {
        backOffNanos = -1;
        phase = Phase.FINISHED;
        if (timedOut != null) error = timedOut;
      }
    }
    if (expiredTimer != null) expiredTimer.cancel();
    releasePermits(release);
    if (backOffNanos >= 0) {
      executor.retried.increment();
      EngineLog.retrying(executor.name(), name, attempt, error, backOffNanos);
      if (trace != null) trace.retrying(value, error, backOffNanos);
      if (backOffNanos == 0) {
        acquireNext();
      } else {
        Timed timed = executor.host.schedule(this::acquireNext, backOffNanos);
        boolean stoppedMeanwhile;
        synchronized (this) {
          backOff = timed;
          stoppedMeanwhile = stopRequested();
        }
        // A stop() that came before the timer was recorded found nothing to call off and left the finish to
        // the timer, which may be years away: whoever calls the timer off (it or this) finishes the task.
        if (stoppedMeanwhile && timed.cancel()) {
          finish(false);
        }
      }
      return;
    }
    if (error == null) {
      @SuppressWarnings("unchecked") T result = (T) value;
      future.complete(result);
    } else {
      if (error instanceof Error e) error = new TaskPanicException(e);
      if (earlierFailures != null) Failures.attachEarlierAttempts(error, earlierFailures);
      future.completeExceptionally(error);
    }
    finish(true);
  }

  /** The future was completed (by the task or from outside): stop whatever part of the task still runs. */
  private void stop() {
    Thread interrupt = null;
    CompletionStage<?> cancel = null;
    boolean finishNow = false;
    synchronized (this) {
      switch (phase) {
        case WAITING -> {
          if (grant != null) {
            if (grant.completeExceptionally(WITHDRAWN)) {
              grant = null;
              finishNow = true;
            } // else the permit was granted: granted() will see the future done and finish
          } else if (backOff != null) {
            finishNow = backOff.cancel(); // else the back-off is over: acquireNext() will finish
          }
          if (finishNow) phase = Phase.FINISHED;
        }
        case RUNNING -> {
          if (!stopSignalled) { // the body checks stopRequested() itself before it starts and once it has a stage
            stopSignalled = true;
            interrupt = kind == Kind.ASYNC ? null : thread;
            cancel = stage;
          }
        }
        case FINISHED -> { }
      }
    }
    if (interrupt != null) interrupt.interrupt();
    if (cancel != null) Stages.cancel(cancel);
    if (finishNow) finish(false);
  }

  /** Leaves the executor: permits held so far go back, counters and the unit in flight are settled. */
  private void finish(boolean ran) {
    int release;
    synchronized (this) {
      phase = Phase.FINISHED;
      release = held;
      held = 0;
    }
    releasePermits(release);
    if (!ran) executor.queued.decrementAndGet();
    if (timeout != null) timeout.cancel();
    TimeoutException expired;
    synchronized (this) {
      expired = timedOut;
    }
    if (expired != null) {
      future.completeExceptionally(expired);
    } else if (!ran) {
      future.completeExceptionally(notStarted()); // refused by shutdown; no-op if the future was completed from outside
    }
    executor.taskFinished(this);
  }

  /** Why a task that never started is cancelled; a future failed with it reports {@code isCancelled()}. */
  private CancellationException notStarted() {
    return Cancellations.notStarted(executor.name());
  }

  private void releasePermits(int count) {
    for (int i = count - 1; i >= 0; i--) {
      permits[i].release();
    }
  }

  @Override
  public String toString() {
    return "ThreadedTask[" + kind + ", " + future + "]";
  }
}
