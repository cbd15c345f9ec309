// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The lifecycle of one executor: whether it still accepts work, and the units of work in flight (tasks,
 * batches, open streams). A unit enters with one increment of a count of units entered, which also holds the
 * shutdown bit, and exits with one increment of a count of units exited; the units in flight are the difference.
 * {@link #shutdown()} sets the bit; the executor terminates when the bit is set and nothing is in flight, and
 * {@code onTerminate} then runs exactly once, on the thread whose step got there.
 *
 * <p>Two counts instead of one, each on a cache line of its own: the threads that submit work write the first,
 * the threads that finish it the second, so a submission and a completion on two cores do not pass one line back
 * and forth.
 *
 * <p>Why the last step out sees the executor idle. Both counts only grow, and a unit exits only after it entered,
 * so at any moment the units exited are at most the units entered. A step that read {@code x} units exited and
 * then {@code n} entered, with {@code n == x}, saw nothing in flight at the moment of its second read (exited then
 * was at least {@code x} and at most {@code n}). After shutdown nothing is admitted but units started within one
 * in flight, so once nothing is in flight it stays so. An exit reads whether the executor is shut down after its
 * increment, and {@code shutdown()} sets that flag before it reads the counts: either the exit sees the flag, or
 * {@code shutdown()} sees the exit (a Dekker pair over volatile accesses).
 *
 * <p>Exactly once: terminating is a compare-and-set of a flag. A refused {@link #enter()} counts itself in and out
 * for a moment (one atomic increment is cheaper on the accepting path than a compare-and-set loop), so several
 * steps can find the executor idle after shutdown; only one of them wins.
 *
 * <p>Thread-safe and lock-free. Not part of the public API.
 */
public final class Lifecycle {
  private static final long SHUTDOWN = 1L << 62;
  private static final long COUNT = SHUTDOWN - 1;

  /**
   * Where each count lives in {@link #counts}: 128 bytes apart, and from the array's ends (a cache line and its
   * pair).
   */
  private static final int ENTERED = 16;
  private static final int EXITED = 32;

  /** {@code counts[ENTERED]}: units entered, and {@link #SHUTDOWN}; {@code counts[EXITED]}: units exited. */
  private final AtomicLongArray counts = new AtomicLongArray(EXITED + 16);

  /** Set by {@link #shutdown()} after the bit, before it looks at the counts; read by every exit. */
  private volatile boolean shutDown;

  private final AtomicBoolean terminated = new AtomicBoolean();
  private final String executor;
  private final Runnable onTerminate;

  /**
   * Creates the lifecycle of a running executor.
   *
   * @param executor    the executor's name, for the refusal's message
   * @param onTerminate run once, when the executor has been shut down and its last unit of work has exited
   */
  public Lifecycle(String executor, Runnable onTerminate) {
    this.executor = executor;
    this.onTerminate = onTerminate;
  }

  /**
   * Counts a new unit of work in.
   *
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down; nothing is counted then
   */
  public void enter() {
    if ((counts.getAndIncrement(ENTERED) & SHUTDOWN) != 0) {
      exit();
      throw Refusals.shutDown(executor);
    }
  }

  /**
   * Counts in a unit of work started by one still in flight (an item of an open stream, a batch's item): the
   * unit in flight keeps the executor from terminating, so the new one is admitted even after a graceful
   * shutdown.
   */
  public void enterWithin() {
    counts.getAndIncrement(ENTERED);
  }

  /** Counts a unit of work out; the last one out after shutdown terminates the executor. */
  public void exit() {
    long exited = counts.incrementAndGet(EXITED);
    if (shutDown) terminateIfIdle(exited);
  }

  /** Stops accepting new work (idempotent); terminates at once if nothing is in flight. */
  public void shutdown() {
    long before = counts.getAndUpdate(ENTERED, s -> s | SHUTDOWN);
    shutDown = true;
    if ((before & SHUTDOWN) == 0) EngineLog.shutdown(executor);
    terminateIfIdle(counts.get(EXITED));
  }

  /** Whether the executor still accepts work: true until {@link #shutdown()}. */
  public boolean isRunning() {
    return (counts.get(ENTERED) & SHUTDOWN) == 0;
  }

  /**
   * Terminates if the executor is shut down and, with {@code exited} units exited (read first), nothing is in
   * flight.
   */
  private void terminateIfIdle(long exited) {
    long entered = counts.get(ENTERED);
    if ((entered & SHUTDOWN) != 0 && (entered & COUNT) == exited && terminated.compareAndSet(false, true)) {
      EngineLog.terminated(executor);
      onTerminate.run();
    }
  }
}
