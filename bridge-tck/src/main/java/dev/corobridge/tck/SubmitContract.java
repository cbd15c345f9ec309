// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncFunction;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.AsyncTask;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskPanicException;
import dev.corobridge.WaitStrategy;
import dev.corobridge.test.ConcurrencyProbe;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Spec §1-2: submitting single tasks, their outcomes, the bound on tasks in flight, cancellation. */
public abstract class SubmitContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected SubmitContract() {}


  @Test
  void submitCompletesWithTheValueOfTheTasksStage() {
    AsyncExecutor executor = newExecutor(2);
    assertEquals("done", Await.value(executor.submit(() -> CompletableFuture.completedFuture("done"))));
    CompletableFuture<String> later = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> later);
    later.complete("later");
    assertEquals("later", Await.value(future));
  }

  @Test
  void aTaskThatThrowsFailsItsFutureWithThatVeryException() {
    AsyncExecutor executor = newExecutor(2);
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Object> future = executor.submit(() -> {
      throw boom;
    });
    assertFailsWith(boom, future);
    CompletionException joined = assertThrows(CompletionException.class, future::join);
    assertSame(boom, joined.getCause());
    ExecutionException got = assertThrows(ExecutionException.class, future::get);
    assertSame(boom, got.getCause());
  }

  @Test
  void aStageThatFailsLaterFailsTheFutureWithTheTasksOwnException() {
    AsyncExecutor executor = newExecutor(2);
    IOException checked = new IOException("disk");
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> stage.thenApply(s -> s + "!"));
    stage.completeExceptionally(checked);
    assertFailsWith(checked, future);
  }

  @Test
  void anExecutionExceptionOfTheTasksOwnIsItsFailureNotUnwrapped() {
    AsyncExecutor executor = newExecutor(2);
    ExecutionException own = new ExecutionException("the task's own", new IOException("inside"));
    assertFailsWith(own, executor.submit(() -> CompletableFuture.failedFuture(own)));
    assertFailsWith(own, executor.submit(() -> CompletableFuture.failedFuture(own).thenApply(v -> v)));
    assertFailsWith(own, executor.submitBlocking(() -> {
      throw own;
    }));
    CompletableFuture<List<Object>> batch = executor.map(i -> CompletableFuture.failedFuture(own), List.of(1));
    assertFailsWith(own, batch);
  }

  @Test
  void aStageThatCannotBecomeACompletableFutureStillCompletesItsTask() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<String> behind = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> foreign(behind));
    behind.complete("foreign");
    assertEquals("foreign", Await.value(future));
    IOException io = new IOException("foreign failure");
    assertFailsWith(io, executor.submit(() -> foreign(CompletableFuture.failedFuture(io))));
    assertFailsWith(io, executor.submit(() -> foreign(CompletableFuture.failedFuture(io)), TaskOptions.builder().name("with options").build()));
    assertEquals(List.of("a", "b"), Await.value(executor.map(s -> foreign(CompletableFuture.completedFuture(s)), List.of("a", "b"))));
    assertBalanced(executor);
  }

  /** A CompletionStage from another library: everything works but {@code toCompletableFuture()}. */
  @SuppressWarnings("unchecked")
  static <T> CompletionStage<T> foreign(CompletableFuture<T> behind) {
    return (CompletionStage<T>) Proxy.newProxyInstance(CompletionStage.class.getClassLoader(), new Class<?>[] {CompletionStage.class},
        (proxy, method, args) -> {
          if (method.getName().equals("toCompletableFuture")) throw new UnsupportedOperationException("not a CompletableFuture");
          try {
            return method.invoke(behind, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aTaskThatDiesOfAnErrorFailsWithTaskPanicExceptionAndTheExecutorCarriesOn() {
    AsyncExecutor executor = newExecutor(1);
    AssertionError error = new AssertionError("broken invariant");
    TaskPanicException async = assertInstanceOf(TaskPanicException.class, Await.failure(executor.submit(() -> {
      throw error;
    })));
    assertSame(error, async.getCause());
    TaskPanicException blocking = assertInstanceOf(TaskPanicException.class, Await.failure(executor.submitBlocking(() -> {
      throw new StackOverflowError("deep");
    })));
    assertInstanceOf(StackOverflowError.class, blocking.getCause());
    TaskPanicException later = assertInstanceOf(TaskPanicException.class,
        Await.failure(executor.submit(() -> CompletableFuture.failedFuture(error))));
    assertSame(error, later.getCause());
    assertEquals("still running", Await.value(executor.submit(() -> CompletableFuture.completedFuture("still running"))));
    assertEquals(3, assertBalanced(executor).failed());
  }

  @Test
  void aTaskReturningNullFailsWithNullPointerException() {
    AsyncExecutor executor = newExecutor(1);
    assertInstanceOf(NullPointerException.class, Await.failure(executor.submit(() -> null)));
  }

  @Test
  void submitBlockingRunsOnAnotherThreadAndReturnsTheValue() {
    AsyncExecutor executor = newExecutor(2);
    Thread caller = Thread.currentThread();
    Thread ran = Await.value(executor.submitBlocking(Thread::currentThread));
    assertNotEquals(caller, ran);
    IOException checked = new IOException("io");
    assertFailsWith(checked, executor.submitBlocking(() -> {
      throw checked;
    }));
  }

  @Test
  void tasksRunWithoutAnyStepAfterCreate() {
    AsyncExecutor executor = newExecutor(1);
    assertTrue(executor.isRunning());
    assertEquals(1, Await.value(executor.submitBlocking(() -> 1)));
  }

  @Test
  void tasksSubmittedFromOneThreadStartInSubmissionOrder() {
    AsyncExecutor executor = newExecutor(1);
    List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      futures.add(i % 3 == 0
          ? executor.submitBlocking(() -> order.add(n))
          : executor.submit(() -> CompletableFuture.completedFuture(order.add(n))));
    }
    futures.forEach(Await::value);
    assertEquals(java.util.stream.IntStream.range(0, 100).boxed().collect(java.util.stream.Collectors.toList()), order);
  }

  @Test
  void anAsyncTaskNeverRunsOnTheSubmittingThread() {
    AsyncExecutor executor = newExecutor(2);
    Thread caller = Thread.currentThread();
    for (int i = 0; i < 20; i++) {
      assertNotEquals(caller, Await.value(executor.submit(() -> CompletableFuture.completedFuture(Thread.currentThread()))));
    }
  }

  @Test
  void maxWorkersBoundsAsyncTasksInFlight() {
    int maxWorkers = 4;
    AsyncExecutor executor = newExecutor(maxWorkers);
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      futures.add(executor.submit(() -> {
        probe.enter();
        return CompletableFuture.supplyAsync(() -> n, CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(3), java.util.concurrent.TimeUnit.MILLISECONDS))
            .whenComplete((v, e) -> probe.exit());
      }));
    }
    futures.forEach(Await::value);
    assertTrue(probe.max() <= maxWorkers, "at most " + maxWorkers + " in flight, saw " + probe.max());
    assertEquals(maxWorkers, probe.max(), "the bound is reached");
  }

  @Test
  void maxWorkersBoundsBlockingAndAsyncTasksTogether() {
    int maxWorkers = 3;
    AsyncExecutor executor = newExecutor(maxWorkers);
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      if (i % 2 == 0) {
        futures.add(executor.submitBlocking(probe.blockingCall(1)));
      } else {
        futures.add(executor.submit(() -> {
          probe.enter();
          return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS))
              .whenComplete((v, e) -> probe.exit());
        }));
      }
    }
    futures.forEach(Await::value);
    assertTrue(probe.max() <= maxWorkers, "at most " + maxWorkers + " in flight, saw " + probe.max());
  }

  @Test
  void asyncTasksWaitingOnIoHoldASlotButNoThread() {
    int tasks = workersUpTo(300); // far more than this machine has threads for the engine to dedicate
    AsyncExecutor executor = newExecutor(tasks);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(tasks);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      futures.add(executor.submit(() -> {
        started.countDown();
        return gate;
      }));
    }
    Await.until(() -> started.getCount() == 0, () -> "all " + tasks + " tasks started while none finished");
    assertEquals(tasks, executor.stats().running());
    gate.complete(null);
    futures.forEach(Await::value);
  }

  @Test
  void cancellingAnAsyncTaskCancelsTheStageItReturnedAndFreesItsSlot() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> first = executor.submit(() -> {
      started.countDown();
      return stage;
    });
    CompletableFuture<String> second = executor.submit(() -> CompletableFuture.completedFuture("second"));
    Await.until(() -> started.getCount() == 0, () -> "first task started");
    assertTrue(first.cancel(true));
    assertTrue(first.isCancelled());
    Await.until(stage::isCancelled, () -> "the task's own stage is cancelled");
    assertEquals("second", Await.value(second));
  }

  @Test
  void cancellingABlockingTaskInterruptsItsThreadAndKeepsTheSlotUntilItReturns() throws Exception {
    AsyncExecutor executor = newExecutor(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch mayReturn = new CountDownLatch(1);
    AtomicBoolean secondStarted = new AtomicBoolean();
    CompletableFuture<Object> first = executor.submitBlocking(() -> holdAfterInterrupt(started, interrupted, mayReturn));
    CompletableFuture<Object> second = executor.submitBlocking(() -> {
      secondStarted.set(true);
      return null;
    });
    started.await();
    first.cancel(true);
    assertTrue(first.isCancelled());
    Await.until(() -> interrupted.getCount() == 0, () -> "the blocking task's thread was interrupted");
    assertFalse(secondStarted.get(), "the slot is still held: the cancelled task has not returned yet");
    assertEquals(1, executor.stats().running());
    mayReturn.countDown();
    Await.value(second);
    assertTrue(secondStarted.get());
  }

  @Test
  void aSemaphorePermitIsReleasedOnlyWhenTheCancelledTaskHasReallyStopped() throws Exception {
    AsyncExecutor executor = newExecutor(2);
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch mayReturn = new CountDownLatch(1);
    CompletableFuture<Object> task = executor.submitBlocking(() -> holdAfterInterrupt(started, interrupted, mayReturn),
        TaskOptions.builder().semaphore(semaphore).build());
    started.await();
    task.cancel(true);
    Await.until(() -> interrupted.getCount() == 0, () -> "interrupted");
    assertEquals(0, semaphore.availablePermits(), "permit held until the task returns");
    mayReturn.countDown();
    Await.until(() -> semaphore.availablePermits() == 1, () -> "permit released after the task returned");
  }

  @Test
  void completingTheReturnedFutureFromOutsideCancelsTheTask() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> future = executor.submit(() -> {
      started.countDown();
      return stage;
    });
    Await.until(() -> started.getCount() == 0, () -> "started");
    future.orTimeout(1, java.util.concurrent.TimeUnit.MILLISECONDS);
    Await.until(stage::isCancelled, () -> "the task's stage is cancelled when its future times out");
  }

  @Test
  void badArgumentsAreRefusedAtTheCallNamingTheParameter() {
    AsyncExecutor executor = newExecutor(1);
    assertRejects(NullPointerException.class, "task", () -> executor.submit(null));
    assertRejects(NullPointerException.class, "task", () -> executor.submitBlocking(null));
    assertRejects(NullPointerException.class, "options", () -> executor.submit(() -> null, null));
    assertRejects(IllegalArgumentException.class, "maxWorkers", () -> AsyncExecutor.builder().maxWorkers(0));
    assertRejects(IllegalArgumentException.class, "maxConcurrency", () -> AsyncExecutor.builder().lane("x", 0));
    assertRejects(NullPointerException.class, "name", () -> AsyncExecutor.builder().lane(null, 1));
    assertRejects(IllegalArgumentException.class, "nowhere",
        () -> executor.submit(() -> null, TaskOptions.builder().lane("nowhere").build()));
    assertEquals(0, executor.stats().submitted(), "refused calls accept nothing");
  }

  @Test
  void everyNullArgumentIsRefusedAtTheCallInTheLibrarysWords() {
    AsyncExecutor executor = newExecutor(1);
    AsyncTask<Object> task = () -> CompletableFuture.completedFuture(null);
    AsyncFunction<Integer, Integer> fn = CompletableFuture::completedFuture;
    List<Integer> items = List.of(1);
    List<CompletableFuture<Integer>> futures = List.of(CompletableFuture.completedFuture(1));
    assertNullRefused("task", () -> executor.submit(null));
    assertNullRefused("task", () -> executor.submit(null, TaskOptions.defaults()));
    assertNullRefused("options", () -> executor.submit(task, null));
    assertNullRefused("task", () -> executor.submitBlocking(null));
    assertNullRefused("task", () -> executor.submitBlocking(null, TaskOptions.defaults()));
    assertNullRefused("options", () -> executor.submitBlocking(() -> 1, null));
    assertNullRefused("fn", () -> executor.map(null, items));
    assertNullRefused("items", () -> executor.map(fn, null));
    assertNullRefused("options", () -> executor.map(fn, items, null));
    assertNullRefused("fn", () -> executor.mapBlocking(null, items));
    assertNullRefused("items", () -> executor.mapBlocking(i -> i, null));
    assertNullRefused("options", () -> executor.mapBlocking(i -> i, items, null));
    assertNullRefused("fn", () -> executor.mapIter(null, items));
    assertNullRefused("items", () -> executor.mapIter(fn, null));
    assertNullRefused("options", () -> executor.mapIter(fn, items, null));
    assertNullRefused("futures", () -> executor.asCompleted(null));
    assertNullRefused("futures", () -> executor.waitFor(null, WaitStrategy.ALL_COMPLETED));
    assertNullRefused("strategy", () -> executor.waitFor(futures, null));
    assertNullRefused("timeout", () -> executor.waitFor(futures, WaitStrategy.ALL_COMPLETED, null));
    assertNullRefused("task", () -> executor.runBlocking(null));
    assertNullRefused("task", () -> executor.spawn(null));
    assertNullRefused("lane", () -> executor.spawn(null, task));
    assertNullRefused("fn", () -> executor.callAppropriately(null));
    assertNullRefused("command", () -> executor.execute(null));
    assertEquals(0, executor.stats().submitted(), "refused calls accept nothing");
  }

  /** The message is the library's: it names the parameter first, not a compiler's generated check. */
  private static void assertNullRefused(String parameter, Runnable call) {
    NullPointerException e = assertRejects(NullPointerException.class, parameter, call);
    assertEquals(parameter + " must not be null", e.getMessage());
  }

  @Test
  void cancellationOfTheTasksOwnStageCancelsItsFuture() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> stage);
    stage.cancel(false);
    assertInstanceOf(CancellationException.class, Await.failure(future));
    assertTrue(future.isCancelled());
  }

  @Test
  void submittedTasksAreCountedOnceEach() {
    AsyncExecutor executor = newExecutor(2);
    RuntimeException boom = new RuntimeException("boom");
    AsyncTask<Object> failing = () -> {
      throw boom;
    };
    Await.value(executor.submit(() -> CompletableFuture.completedFuture(1)));
    Await.failure(executor.submit(failing));
    CompletableFuture<Object> pending = executor.submit(CompletableFuture::new);
    pending.cancel(true);
    var stats = assertBalanced(executor);
    assertEquals(3, stats.submitted());
    assertEquals(1, stats.succeeded());
    assertEquals(1, stats.failed());
    assertEquals(1, stats.cancelled());
  }

  /**
   * A blocking task body that signals {@code started}, waits to be interrupted, signals
   * {@code interrupted}, and then does not return until {@code mayReturn} opens: a task that is slow
   * to stop after cancellation.
   */
  static Object holdAfterInterrupt(CountDownLatch started, CountDownLatch interrupted, CountDownLatch mayReturn) {
    started.countDown();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      awaitUninterruptibly(mayReturn);
    }
    return null;
  }

  static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
