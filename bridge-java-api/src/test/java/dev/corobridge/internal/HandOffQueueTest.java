// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * The hand-off queue of the elastic pools: a task is accepted only when a thread waits for it, and a thread to
 * which a task was promised never leaves without it, so no accepted task is stranded and the pool ends.
 */
class HandOffQueueTest {
  private static final Runnable NOTHING = () -> {};

  @Test
  void anOfferIsRefusedWhenNoThreadWaits() {
    HandOffQueue queue = new HandOffQueue();
    assertFalse(queue.offer(NOTHING));
    assertFalse(queue.offer(NOTHING, 1, TimeUnit.SECONDS));
    assertTrue(queue.isEmpty());
    assertNull(queue.poll());
    assertThrows(NullPointerException.class, () -> queue.offer(null));
    assertThrows(UnsupportedOperationException.class, () -> queue.put(NOTHING));
  }

  @Test
  void aWaitingThreadReceivesTheOfferedTask() throws Exception {
    HandOffQueue queue = new HandOffQueue();
    CompletableFuture<Runnable> received =
        CompletableFuture.supplyAsync(() -> pollFor(queue, 10, TimeUnit.SECONDS), daemonThread());
    Runnable task = () -> {};
    while (!queue.offer(task)) Thread.onSpinWait(); // accepted once the thread waits
    assertSame(task, received.get(10, TimeUnit.SECONDS));
    assertFalse(queue.offer(NOTHING), "the thread took its task and waits no more");
  }

  @Test
  void aThreadThatWaitsInVainTimesOutAndIsHandedNoLaterTask() throws Exception {
    HandOffQueue queue = new HandOffQueue();
    assertNull(queue.poll(1, TimeUnit.MILLISECONDS));
    assertFalse(queue.offer(NOTHING));
  }

  /**
   * Every interleaving of a waiting thread that times out at once with an offer: either the offer is refused and
   * the thread leaves with nothing, or the offer is accepted and that thread receives the task (it may not leave
   * while the task it was promised is on its way).
   */
  @Test
  void aThreadToWhichATaskWasPromisedNeverLeavesWithoutItInEveryInterleaving() {
    Lincheck.runConcurrentTest(2_000, () -> {
      HandOffQueue queue = new HandOffQueue();
      Runnable task = () -> {};
      AtomicReference<Runnable> received = new AtomicReference<>();
      AtomicReference<Boolean> accepted = new AtomicReference<>();
      Thread waiting = new Thread(() -> received.set(pollFor(queue, 0, TimeUnit.NANOSECONDS)));
      Thread offering = new Thread(() -> accepted.set(queue.offer(task)));
      waiting.start();
      offering.start();
      join(waiting);
      join(offering);
      if (accepted.get() && received.get() != task) throw new AssertionError("an accepted task was stranded");
      if (!accepted.get() && received.get() != null) throw new AssertionError("a refused task was received");
    });
  }

  /**
   * Every interleaving of a waiting thread interrupted while a task is offered: either it leaves with an
   * InterruptedException and the offer is refused, or it receives the task with the interrupt kept in its status.
   */
  @Test
  void anInterruptRacingAnOfferEitherRefusesTheOfferOrKeepsTheTaskInEveryInterleaving() {
    Lincheck.runConcurrentTest(2_000, () -> {
      HandOffQueue queue = new HandOffQueue();
      Runnable task = () -> {};
      AtomicReference<Object> received = new AtomicReference<>();
      AtomicReference<Boolean> accepted = new AtomicReference<>();
      AtomicReference<Boolean> stillInterrupted = new AtomicReference<>(false);
      Thread waiting = new Thread(() -> {
        try {
          received.set(queue.poll(1, TimeUnit.DAYS));
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        } catch (InterruptedException e) {
          received.set(e);
        }
      });
      Thread offering = new Thread(() -> accepted.set(queue.offer(task)));
      waiting.start();
      offering.start();
      waiting.interrupt();
      join(waiting);
      join(offering);
      if (accepted.get() && (received.get() != task || !stillInterrupted.get())) {
        throw new AssertionError("an accepted task was lost, or the interrupt with it: " + received.get());
      }
      if (!accepted.get() && !(received.get() instanceof InterruptedException)) {
        throw new AssertionError("a refused offer, yet the thread did not leave interrupted: " + received.get());
      }
    });
  }

  /**
   * An elastic pool on the queue, stressed with bursts of tasks and a keep-alive short enough that threads retire
   * between bursts and race the offers: every task runs exactly once, and after shutdown every thread has ended.
   */
  @Test
  void anElasticPoolRunsEveryTaskOnceWhileItsThreadsRetireAndEndsAtShutdown() throws Exception {
    List<Thread> made = new ArrayList<>();
    HandOffQueue queue = new HandOffQueue();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 50, TimeUnit.MICROSECONDS, queue, task -> {
      Thread thread = new Thread(task, "hand-off-test");
      thread.setDaemon(true);
      synchronized (made) {
        made.add(thread);
      }
      return thread;
    });
    int tasks = 20_000;
    AtomicReferenceArray<Boolean> ran = new AtomicReferenceArray<>(tasks);
    AtomicInteger twice = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(tasks);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < tasks; i++) {
      int index = i;
      pool.execute(() -> {
        if (!ran.compareAndSet(index, null, true)) twice.incrementAndGet();
        done.countDown();
      });
      if (random.nextInt(64) == 0) {
        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(random.nextInt(200)); // let threads retire
        while (System.nanoTime() < until) Thread.onSpinWait();
      }
    }
    assertTrue(done.await(30, TimeUnit.SECONDS), "tasks stranded: " + done.getCount());
    assertEquals(0, twice.get());
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "the pool did not end");
    assertFalse(queue.offer(NOTHING), "a thread that left is still taken for a waiting one");
    synchronized (made) {
      for (Thread thread : made) {
        thread.join(10_000);
        assertFalse(thread.isAlive(), "a thread outlived its pool");
      }
    }
  }

  /** Shut down while threads wait: each leaves (interrupted), and tasks promised before the shutdown still run. */
  @Test
  void aPoolShutDownWhileItsThreadsWaitEndsEveryThread() throws Exception {
    for (int round = 0; round < 200; round++) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new HandOffQueue());
      CountDownLatch ran = new CountDownLatch(3);
      for (int i = 0; i < 3; i++) pool.execute(ran::countDown);
      assertTrue(ran.await(10, TimeUnit.SECONDS));
      AtomicInteger late = new AtomicInteger();
      Thread racer = new Thread(() -> {
        try {
          pool.execute(late::incrementAndGet);
        } catch (java.util.concurrent.RejectedExecutionException refused) {
          late.addAndGet(1000);
        }
      });
      racer.start();
      pool.shutdown();
      racer.join();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "a waiting thread never left");
      assertTrue(late.get() == 1 || late.get() == 1000,
          "a task accepted at shutdown neither ran nor was refused: " + late.get());
    }
  }

  private static Runnable pollFor(HandOffQueue queue, long timeout, TimeUnit unit) {
    try {
      return queue.poll(timeout, unit);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static java.util.concurrent.Executor daemonThread() {
    return task -> {
      Thread thread = new Thread(task);
      thread.setDaemon(true);
      thread.start();
    };
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
