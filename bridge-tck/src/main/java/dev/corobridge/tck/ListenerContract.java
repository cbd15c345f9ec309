// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorListener;
import dev.corobridge.ExecutorStats;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryEvent;
import dev.corobridge.RetryPolicy;
import dev.corobridge.RunningTasks;
import dev.corobridge.TaskEvent;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link ExecutorListener}: every task an executor accepts is told queued, started per attempt, retried, and
 * exactly once how it ended, when the stats count it; on every runtime.
 */
public abstract class ListenerContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ListenerContract() {}

  /** One event as a listener heard it: the task (the same object for each of its events) and what it said then. */
  private record Heard(String kind, TaskEvent task, int attempt, Duration queued, Duration running, Object detail) {
    Heard(String kind, TaskEvent task, Object detail) {
      this(kind, task, task.attempt(), task.queued(), task.running(), detail);
    }
  }

  /** Records every event, in the order heard. */
  private static final class Recorder implements ExecutorListener {
    final Queue<Heard> heard = new ConcurrentLinkedQueue<>();

    @Override public void taskQueued(TaskEvent task) { heard.add(new Heard("queued", task, "")); }
    @Override public void taskStarted(TaskEvent task) { heard.add(new Heard("started", task, "")); }
    @Override public void taskRetrying(TaskEvent task, RetryEvent retry) { heard.add(new Heard("retrying", task, retry)); }
    @Override public void taskSucceeded(TaskEvent task) { heard.add(new Heard("succeeded", task, "")); }
    @Override public void taskFailed(TaskEvent task, Throwable failure) { heard.add(new Heard("failed", task, failure)); }
    @Override public void taskTimedOut(TaskEvent task, TimeoutException timeout) { heard.add(new Heard("timedOut", task, timeout)); }
    @Override public void taskCancelled(TaskEvent task) { heard.add(new Heard("cancelled", task, "")); }

    /** The kinds of events each task was told, in the order heard, by task (one object per task). */
    Map<TaskEvent, List<String>> kindsByTask() {
      Map<TaskEvent, List<String>> byTask = new IdentityHashMap<>();
      for (Heard h : heard) byTask.computeIfAbsent(h.task(), task -> new ArrayList<>()).add(h.kind());
      return byTask;
    }

    List<Heard> of(String name) {
      return heard.stream().filter(h -> name.equals(h.task().name())).toList();
    }

    long count(String kind) {
      return heard.stream().filter(h -> h.kind().equals(kind)).count();
    }

    long ended() {
      return count("succeeded") + count("failed") + count("timedOut") + count("cancelled");
    }
  }

  private static List<String> kinds(List<Heard> heard) {
    return heard.stream().map(Heard::kind).toList();
  }

  private static TaskOptions named(String name) {
    return TaskOptions.builder().name(name).build();
  }

  @Test
  void aTaskIsToldQueuedStartedAndSucceededInThatOrderWithItsNameLaneAndKind() {
    Recorder recorder = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).lane("io", 1).listener(recorder).name("listened"));
    Await.value(executor.submit(() -> CompletableFuture.completedFuture(1), TaskOptions.builder().name("async").lane("io").build()));
    Await.value(executor.submitBlocking(() -> 2, named("blocking")));
    Await.until(() -> recorder.ended() == 2, () -> "both tasks told how they ended: " + recorder.heard);
    List<Heard> async = recorder.of("async");
    assertEquals(List.of("queued", "started", "succeeded"), kinds(async));
    TaskEvent started = async.get(1).task();
    assertSame(async.get(0).task(), started, "one object stands for the task in all its events");
    assertEquals("listened", started.executor());
    assertEquals("io", started.lane());
    assertFalse(started.blocking(), "an async task");
    assertEquals(1, async.get(1).attempt());
    assertEquals(0, async.get(0).attempt(), "queued before any attempt");
    assertEquals(Duration.ZERO, async.get(0).running());
    List<Heard> blocking = recorder.of("blocking");
    assertEquals(List.of("queued", "started", "succeeded"), kinds(blocking));
    assertTrue(blocking.get(0).task().blocking(), "a blocking task");
    assertNull(blocking.get(0).task().lane(), "no lane");
    assertTrue(async.get(0).task() != blocking.get(0).task(), "each task has its own object");
    assertTrue(blocking.get(2).queued().compareTo(Duration.ZERO) >= 0 && blocking.get(2).running().compareTo(Duration.ZERO) >= 0);
    assertEquals(blocking.get(2).running(), blocking.get(2).task().running(), "an ended task's times stay as they were at its end");
  }

  @Test
  void aRetriedTaskIsToldEachAttemptAndEachRetryWithItsFailureAndDelay() {
    Recorder recorder = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).listener(recorder));
    IOException flaky = new IOException("flaky");
    int[] attempts = {0};
    Await.value(executor.submitBlocking(() -> {
      if (++attempts[0] < 3) throw flaky;
      return "ok";
    }, TaskOptions.builder().name("flaky").retry(RetryPolicy.exponential(2, Duration.ofMillis(1))).build()));
    Await.until(() -> recorder.ended() == 1, () -> "told how it ended: " + recorder.heard);
    List<Heard> heard = recorder.of("flaky");
    assertEquals(List.of("queued", "started", "retrying", "started", "retrying", "started", "succeeded"), kinds(heard));
    RetryEvent first = (RetryEvent) heard.get(2).detail();
    assertEquals(1, first.attempt());
    assertSame(flaky, first.failure());
    assertTrue(first.delay().compareTo(Duration.ZERO) > 0, "the back-off chosen");
    assertEquals(List.of(1, 2, 3), Stream.of(heard.get(1), heard.get(3), heard.get(5)).map(Heard::attempt).toList());
    assertEquals(3, heard.get(6).attempt(), "succeeded on its third attempt");
  }

  @Test
  void aFailureATimeoutAndACancellationAreEachToldAsWhatTheyAre() throws Exception {
    Recorder recorder = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(4).listener(recorder));
    IllegalStateException boom = new IllegalStateException("boom");
    Await.failure(executor.submit(() -> CompletableFuture.failedFuture(boom), named("failing")));
    Await.failure(executor.submit(CompletableFuture::new, TaskOptions.builder().name("slow").timeout(Duration.ofMillis(20)).build()));
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Object> blocked = executor.submitBlocking(() -> {
      running.countDown();
      return new CountDownLatch(1).await(1, TimeUnit.MINUTES);
    }, named("cancelled"));
    assertTrue(running.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    blocked.cancel(true);
    Await.until(() -> recorder.ended() == 3, () -> "three tasks told how they ended: " + recorder.heard);
    Heard failed = recorder.of("failing").get(2);
    assertEquals("failed", failed.kind());
    assertSame(boom, failed.detail(), "the task's own exception");
    Heard timedOut = recorder.of("slow").get(2);
    assertEquals("timedOut", timedOut.kind());
    assertInstanceOf(TimeoutException.class, timedOut.detail());
    assertEquals(List.of("queued", "started", "cancelled"), kinds(recorder.of("cancelled")));
  }

  @Test
  void batchItemsAreTasksOfTheirOwnAndABlockingBatchSaysSo() {
    Recorder recorder = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(3).listener(recorder));
    Await.value(executor.map(i -> CompletableFuture.completedFuture(i), List.of(1, 2, 3), MapOptions.builder().window(2).build()));
    Await.value(executor.mapBlocking(i -> i, List.of(1, 2)));
    Await.until(() -> recorder.ended() == 5, () -> "five items told how they ended: " + recorder.heard);
    assertEquals(5, recorder.count("queued"));
    assertEquals(5, recorder.count("started"));
    assertEquals(5, recorder.count("succeeded"));
    assertEquals(2, recorder.heard.stream().filter(h -> h.kind().equals("succeeded") && h.task().blocking()).count(),
        "mapBlocking's items run blocking");
  }

  @Test
  void aListenerThatThrowsChangesNothingForTheTaskAndItsFailureGoesToTheUncaughtHandler() {
    IllegalStateException listenerBug = new IllegalStateException("listener bug");
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Recorder after = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).onUncaughtError(uncaught::add)
        .listener(new ExecutorListener() {
          @Override public void taskStarted(TaskEvent task) {
            throw listenerBug;
          }
        })
        .listener(after));
    assertEquals("ok", Await.value(executor.submitBlocking(() -> "ok")));
    Await.until(() -> after.ended() == 1, () -> "the next listener is still told: " + after.heard);
    assertEquals(List.of(listenerBug), uncaught);
    assertBalanced(executor);
  }

  @Test
  void theExecutorsNameIsTheOneTheBuilderGaveAndEveryEventCarriesIt() {
    Recorder recorder = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(1).name("named-here").listener(recorder));
    assertEquals("named-here", executor.name());
    Await.value(executor.submit(() -> CompletableFuture.completedFuture(1)));
    Await.until(() -> recorder.ended() == 1, () -> "told how it ended: " + recorder.heard);
    assertTrue(recorder.heard.stream().allMatch(h -> h.task().executor().equals("named-here")), recorder.heard::toString);
  }

  @Test
  void theBuilderRefusesANullListenerNamingIt() {
    assertRejects(NullPointerException.class, "listener", () -> AsyncExecutor.builder().listener(null));
  }

  @Test
  void underARandomMixEveryAcceptedTaskIsToldExactlyOnceHowItEndedAsTheStatsCountIt() {
    Recorder recorder = new Recorder();
    RunningTasks running = RunningTasks.create();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(4)).lane("narrow", 2).listener(recorder).listener(running));
    Random random = new Random(42);
    List<CompletableFuture<?>> futures = new ArrayList<>();
    TaskOptions retried = TaskOptions.builder().retry(RetryPolicy.exponential(1, Duration.ofMillis(1))).build();
    TaskOptions timed = TaskOptions.builder().lane("narrow").timeout(Duration.ofMillis(5)).build();
    for (int i = 0; i < 400; i++) {
      int roll = random.nextInt(9);
      switch (roll) {
        case 0 -> futures.add(executor.submit(() -> CompletableFuture.completedFuture(1)));
        case 1 -> futures.add(executor.submit(() -> CompletableFuture.failedFuture(new IOException("no")), retried));
        case 2 -> futures.add(executor.submitBlocking(() -> {
          Thread.sleep(random.nextInt(3));
          return 2;
        }, timed));
        case 3 -> futures.add(executor.submit(CompletableFuture::new, timed));
        case 4 -> {
          CompletableFuture<Object> never = executor.submit(CompletableFuture::new);
          never.cancel(true);
          futures.add(never);
        }
        case 5 -> futures.add(executor.map(x -> x == 3 ? CompletableFuture.failedFuture(new IOException("item")) : CompletableFuture.completedFuture(x),
            IntStream.range(0, 6).boxed().toList()));
        case 6 -> futures.add(executor.callAppropriately(() -> 3));
        case 7 -> futures.add(executor.scoped(scope -> {
          scope.fork(() -> CompletableFuture.completedFuture(1));
          scope.forkBlocking(() -> 2);
          return CompletableFuture.completedFuture(0);
        }));
        default -> executor.execute(() -> { });
      }
    }
    for (CompletableFuture<?> future : futures) Await.done(future);
    ExecutorStats stats = assertBalanced(executor);
    Await.until(() -> recorder.ended() == stats.submitted(), () -> "every task told how it ended: " + recorder.ended() + " of " + stats);
    Map<TaskEvent, List<String>> byTask = recorder.kindsByTask();
    assertEquals(stats.submitted(), byTask.size(), "one object per accepted task");
    byTask.forEach((task, kinds) -> {
      assertEquals("queued", kinds.get(0), task + " was told queued first: " + kinds);
      assertEquals(1, kinds.stream().filter(k -> Set.of("succeeded", "failed", "timedOut", "cancelled").contains(k)).count(),
          task + " was told once how it ended: " + kinds);
    });
    assertEquals(stats.succeeded(), recorder.count("succeeded"));
    assertEquals(stats.failed(), recorder.count("failed") + recorder.count("timedOut"));
    assertEquals(stats.cancelled(), recorder.count("cancelled"));
    assertEquals(stats.retried(), recorder.count("retrying"));
    assertEquals(List.of(), running.snapshot(), "every ended task was forgotten by RunningTasks");
  }

  @Test
  void aSampledListenerHearsEveryTaskWhileTheyComeSlowerThanItsRate() {
    Recorder sampled = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).listener(ExecutorListener.sampled(sampled, 1_000_000)));
    for (int i = 0; i < 50; i++) Await.value(executor.submit(() -> CompletableFuture.completedFuture(1)));
    Await.until(() -> sampled.ended() == 50, () -> "each of 50 tasks, one at a time (far under a million a second): " + sampled.ended());
    sampled.kindsByTask().values().forEach(kinds -> assertEquals(List.of("queued", "started", "succeeded"), kinds));
  }

  @Test
  void aSampledListenerHearsAboutItsRateOfABusyExecutorAndAllEventsOfEachTaskItHears() {
    Recorder sampled = new Recorder();
    Recorder everyTask = new Recorder();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(4).listener(ExecutorListener.sampled(sampled, 10)).listener(everyTask));
    int items = 20_000;
    Await.value(executor.map(CompletableFuture::completedFuture, IntStream.range(0, items).boxed().toList()));
    Await.until(() -> everyTask.ended() == items, () -> "the listener of every task heard each: " + everyTask.ended());
    long heard = sampled.kindsByTask().size();
    assertTrue(heard >= 1 && heard < 500, "a sample of about 10 tasks a second, not " + heard + " of " + items);
    Await.until(() -> sampled.ended() == sampled.kindsByTask().size(), () -> "each sampled task told how it ended");
    sampled.kindsByTask().forEach((task, kinds) -> assertEquals(List.of("queued", "started", "succeeded"), kinds,
        "all the events of a task it hears"));
  }

  @Test
  void aSampledListenerIsRefusedWithoutAListenerOrWithARateUnderOne() {
    assertRejects(NullPointerException.class, "listener", () -> ExecutorListener.sampled(null, 10));
    assertRejects(IllegalArgumentException.class, "maxTasksPerSecond", () -> ExecutorListener.sampled(new Recorder(), 0));
  }

  @Test
  void runningTasksShowsWhatRunsAndWhatWaitsOldestFirstAndForgetsWhatEnded() throws Exception {
    RunningTasks running = RunningTasks.create();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(1).name("watched").lane("io", 1).listener(running));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Boolean> holder = executor.submitBlocking(() -> {
      started.countDown();
      return release.await(1, TimeUnit.MINUTES);
    }, named("holder"));
    assertTrue(started.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    CompletableFuture<Integer> waiter = executor.submit(() -> CompletableFuture.completedFuture(2), TaskOptions.builder().name("waiter").lane("io").build());
    Await.until(() -> running.size() == 2, running::toString);
    List<TaskSnapshot> tasks = running.snapshot();
    TaskSnapshot first = tasks.get(0);
    assertEquals("holder", first.name(), "oldest first: " + tasks);
    assertEquals(TaskSnapshot.State.RUNNING, first.state());
    assertEquals(1, first.attempt());
    assertTrue(first.blocking());
    assertEquals("watched", first.executor());
    TaskSnapshot second = tasks.get(1);
    assertEquals("waiter", second.name());
    assertEquals(TaskSnapshot.State.QUEUED, second.state(), "no worker is free");
    assertEquals("io", second.lane());
    assertEquals(0, second.attempt());
    assertTrue(first.age().compareTo(second.age()) >= 0);
    assertTrue(running.toString().contains("holder RUNNING"), running::toString);
    release.countDown();
    Await.value(holder);
    Await.value(waiter);
    Await.until(() -> running.size() == 0, running::toString);
    assertEquals("RunningTasks[none]", running.toString());
  }

  @Test
  void runningTasksShowsATaskWaitingOutItsBackOffUntilItIsCancelled() {
    RunningTasks running = RunningTasks.create();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(1).listener(running));
    CompletableFuture<Object> flaky = executor.submitBlocking(() -> {
      throw new IOException("flaky");
    }, TaskOptions.builder().name("flaky").retry(RetryPolicy.exponential(1, Duration.ofMinutes(10))).build());
    Await.until(() -> running.snapshot().stream().anyMatch(t -> t.state() == TaskSnapshot.State.WAITING_TO_RETRY), running::toString);
    assertEquals(1, running.snapshot().get(0).attempt(), "its first attempt failed");
    flaky.cancel(true);
    Await.until(() -> running.size() == 0, running::toString);
  }
}
