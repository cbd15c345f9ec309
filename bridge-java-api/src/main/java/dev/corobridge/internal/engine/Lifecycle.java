// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The lifecycle of one executor: whether it still accepts work, and the units of work in flight (tasks,
 * batches, open streams), in one {@code AtomicLong}. A unit enters with one increment and exits with one
 * decrement; {@link #shutdown()} sets a bit; the executor terminates when the bit is set and nothing is in
 * flight, and {@code onTerminate} then runs exactly once, on the thread whose step got there.
 *
 * <p>Exactly once: terminating is a compare-and-set from "shut down, nothing in flight" to "terminated". A
 * refused {@link #enter()} counts itself in for a moment (one atomic increment is cheaper on the accepting path
 * than a compare-and-set loop), so several steps can find the count at zero after shutdown; only one of them wins
 * the compare-and-set, and a step that comes after termination finds the terminated bit and changes nothing.
 *
 * <p>Thread-safe and lock-free. Not part of the public API.
 */
public final class Lifecycle {
  private static final long SHUTDOWN = 1L << 62;
  private static final long TERMINATED = 1L << 61;

  private final AtomicLong state = new AtomicLong();
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
    if ((state.getAndIncrement() & SHUTDOWN) != 0) {
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
    state.incrementAndGet();
  }

  /** Counts a unit of work out; the last one out after shutdown terminates the executor. */
  public void exit() {
    if (state.decrementAndGet() == SHUTDOWN) terminateIfIdle();
  }

  /** Stops accepting new work (idempotent); terminates at once if nothing is in flight. */
  public void shutdown() {
    long before = state.getAndUpdate(s -> s | SHUTDOWN);
    if ((before & SHUTDOWN) == 0) EngineLog.shutdown(executor);
    if (before == 0) terminateIfIdle();
  }

  /** Whether the executor still accepts work: true until {@link #shutdown()}. */
  public boolean isRunning() {
    return (state.get() & SHUTDOWN) == 0;
  }

  private void terminateIfIdle() {
    if (state.compareAndSet(SHUTDOWN, SHUTDOWN | TERMINATED)) {
      EngineLog.terminated(executor);
      onTerminate.run();
    }
  }
}
