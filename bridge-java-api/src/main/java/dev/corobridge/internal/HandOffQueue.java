// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The work queue of an elastic {@link ThreadPoolExecutor} (no core threads, no bound on threads, idle ones
 * retired after the keep-alive): as with a {@link java.util.concurrent.SynchronousQueue}, a task is handed
 * straight to a thread of the pool that waits for one, and refused when none waits (so the pool starts a thread);
 * unlike it, a waiting thread parks at once instead of spinning first, and the thread that has waited longest is
 * handed the task first. Both were measured on the project's 2-core machine (benchmarks/ANALYSIS.md, "one blocking
 * call at a time"): a thread pool over a {@code LinkedTransferQueue}, which spins before it parks (recent JDKs,
 * 25 among them, build {@code SynchronousQueue} on it), took ~40 µs per round trip of one trivial call where a
 * fixed pool took ~14; handing tasks to the thread that waited least took ~24 µs against ~19 for the one that
 * waited longest. The price of that order: under a steady trickle of tasks, the threads of an earlier burst take turns
 * and may all stay (each retires only once it has waited a whole keep-alive), where a {@code SynchronousQueue}
 * would let all but the most recent few retire.
 *
 * <p>How: each waiting thread puts a waiter in a FIFO queue and parks. {@link #offer} takes the first waiter and
 * hands it the task with one compare-and-set of the waiter's slot (from empty to the task) before it unparks it;
 * a waiter that times out or is interrupted leaves with one compare-and-set of its own slot (from empty to
 * "left"), so of an offer and a departure racing for one waiter exactly one wins: the offer (the thread stays and
 * takes the task) or the departure (the offer goes on to the next waiter). A task is never held in the queue
 * itself: it is empty to every other method, and nothing in it is stranded at shutdown. Not part of the public
 * API.
 */
public final class HandOffQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
  /** A waiter's slot after it left without a task. */
  private static final Object LEFT = new Object();

  private static final VarHandle SLOT;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(Waiter.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The threads waiting for a task, longest-waiting first (and some that left, skipped when met). */
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  /** An empty queue, for one pool. */
  public HandOffQueue() {}

  /** Hands {@code task} to the thread that has waited longest; false (the pool starts a thread) if none waits. */
  @Override
  public boolean offer(Runnable task) {
    Objects.requireNonNull(task, "task");
    Waiter waiter;
    while ((waiter = waiters.poll()) != null) {
      if (SLOT.compareAndSet(waiter, null, task)) {
        LockSupport.unpark(waiter.thread);
        return true;
      }
    }
    return false;
  }

  /** A hand-off does not wait for a thread: the same as {@link #offer(Runnable)}. */
  @Override
  public boolean offer(Runnable task, long timeout, TimeUnit unit) {
    return offer(task);
  }

  /** Not supported: a hand-off never waits for a thread. */
  @Override
  public void put(Runnable task) {
    throw new UnsupportedOperationException("a hand-off queue takes a task only when a thread waits for it: use offer");
  }

  /**
   * Waits up to {@code timeout} for a task handed to this thread; null if none came. Interrupted, the thread
   * leaves with {@link InterruptedException} unless a task was handed to it at that moment: then it returns the
   * task and keeps the interrupt in its status.
   */
  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    boolean timed = nanos < Long.MAX_VALUE;
    long deadline = timed ? System.nanoTime() + nanos : 0L;
    Waiter waiter = new Waiter(Thread.currentThread());
    waiters.offer(waiter);
    while (true) {
      Object task = waiter.slot;
      if (task != null) return (Runnable) task;
      if (Thread.interrupted()) {
        if (leave(waiter)) throw new InterruptedException();
        Thread.currentThread().interrupt();
        return (Runnable) waiter.slot;
      }
      if (!timed) {
        LockSupport.park(this);
        continue;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0L) return leave(waiter) ? null : (Runnable) waiter.slot;
      LockSupport.parkNanos(this, remaining);
    }
  }

  /** Waits for a task with no time limit. */
  @Override
  public Runnable take() throws InterruptedException {
    return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
  }

  /** Always null: a task is never held here. */
  @Override
  public Runnable poll() {
    return null;
  }

  /** Always null: a task is never held here. */
  @Override
  public Runnable peek() {
    return null;
  }

  @Override
  public Iterator<Runnable> iterator() {
    return Collections.emptyIterator();
  }

  @Override
  public int size() {
    return 0;
  }

  @Override
  public int remainingCapacity() {
    return 0;
  }

  @Override
  public int drainTo(Collection<? super Runnable> to) {
    return 0;
  }

  @Override
  public int drainTo(Collection<? super Runnable> to, int maxElements) {
    return 0;
  }

  /** The waiting thread leaves if no task was handed to it first; true if it left. */
  private boolean leave(Waiter waiter) {
    if (!SLOT.compareAndSet(waiter, null, LEFT)) return false;
    waiters.remove(waiter); // else an offer skips it when met
    return true;
  }

  /** A thread waiting for a task. */
  private static final class Waiter {
    final Thread thread;
    /** Null while the thread waits, then the task handed to it or {@link #LEFT}; set once. */
    volatile Object slot;

    Waiter(Thread thread) {
      this.thread = thread;
    }
  }
}
