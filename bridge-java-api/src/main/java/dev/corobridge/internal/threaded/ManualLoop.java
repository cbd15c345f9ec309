// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.internal.Scheduled;
import dev.corobridge.internal.Timed;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * The host of the manual runtime: a queue of ready work that runs only when the loop is driven,
 * and a virtual clock whose timers fire only when the clock is advanced. Work may be handed in from
 * any thread (a stage completing elsewhere releases a worker slot); the loop is driven from one
 * thread at a time. Not part of the public API.
 */
public final class ManualLoop implements Host {
  private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
  private final Object wakeUp = new Object();

  // Guarded by this.
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long now;
  private long sequence;

  private final class Timer extends Scheduled implements Comparable<Timer> {
    private static final long serialVersionUID = 1L;
    final long due;
    final long order;

    Timer(Runnable action, long due, long order) {
      super(action);
      this.due = due;
      this.order = order;
    }

    @Override
    protected void onCancelled() {
      synchronized (ManualLoop.this) {
        timers.remove(this);
      }
    }

    @Override
    public int compareTo(Timer other) {
      int byTime = Long.compare(due, other.due);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }

  @Override
  public void execute(Runnable work) {
    ready.add(work);
    signal();
  }

  @Override
  public synchronized Timed schedule(Runnable action, long delayNanos) {
    Timer timer = new Timer(action, saturatedAdd(now, delayNanos), sequence++);
    timers.add(timer);
    return timer;
  }

  /** Runs the work that is ready now (timers due now included), not what it makes ready; returns whether anything ran. */
  public boolean pollOnce() {
    fireDue();
    boolean ran = false;
    for (int n = ready.size(); n > 0; n--) {
      Runnable work = ready.poll();
      if (work == null) break;
      work.run();
      ran = true;
    }
    return ran;
  }

  /** Polls until nothing is ready; the clock does not move. Returns how many polls ran work. */
  public int runUntilIdle() {
    int polls = 0;
    while (pollOnce()) {
      polls++;
    }
    return polls;
  }

  /** Moves the clock forward by {@code nanos}, firing the timers that come due in order and running the work they make ready. */
  public void advanceTimeBy(long nanos) {
    long target;
    synchronized (this) {
      target = saturatedAdd(now, nanos);
    }
    runUntilIdle();
    while (true) {
      Timer next;
      synchronized (this) {
        next = timers.peek();
        if (next == null || next.due > target) {
          now = target;
          break;
        }
        timers.poll();
        now = Math.max(now, next.due);
      }
      next.run();
      runUntilIdle();
    }
    runUntilIdle();
  }

  /** Nanoseconds of virtual time since the loop was created. */
  public synchronized long nanoTime() {
    return now;
  }

  /** Whether work is ready or a timer is pending. */
  public synchronized boolean hasPendingWork() {
    return !ready.isEmpty() || !timers.isEmpty();
  }

  /**
   * Drives the loop until {@code future} is done: runs ready work, moves the clock to the next timer
   * when nothing is ready, and when there is neither, waits for work from another thread.
   */
  @Override
  public void awaitDone(Future<?> future) throws InterruptedException {
    if (future instanceof java.util.concurrent.CompletableFuture<?> cf) cf.whenComplete((v, e) -> signal());
    while (!future.isDone()) {
      if (pollOnce()) continue;
      long nextDue;
      synchronized (this) {
        Timer next = timers.peek();
        nextDue = next == null ? -1 : next.due;
      }
      if (nextDue >= 0) {
        advanceTimeBy(Math.max(0, nextDue - nanoTime()));
        continue;
      }
      synchronized (wakeUp) {
        while (!future.isDone() && ready.isEmpty()) {
          wakeUp.wait();
        }
      }
    }
  }

  private void fireDue() {
    while (true) {
      Timer due;
      synchronized (this) {
        due = timers.peek();
        if (due == null || due.due > now) return;
        timers.poll();
      }
      due.run();
    }
  }

  private void signal() {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }


  @Override
  public String runtimeName() {
    return "manual";
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
