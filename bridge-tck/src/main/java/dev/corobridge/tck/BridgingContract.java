// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.StalledTaskException;
import dev.corobridge.test.ConcurrencyProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §2: runBlocking, spawn, callAppropriately and execute. */
public abstract class BridgingContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected BridgingContract() {}


  @Test
  void runBlockingReturnsTheTasksValue() {
    AsyncExecutor executor = newExecutor(2);
    assertEquals(7, executor.runBlocking(() -> CompletableFuture.supplyAsync(() -> 7)));
  }

  @Test
  void runBlockingRethrowsAnUncheckedFailureAsIsAndWrapsACheckedOne() {
    AsyncExecutor executor = newExecutor(2);
    IllegalStateException unchecked = new IllegalStateException("unchecked");
    assertSame(unchecked, assertThrows(IllegalStateException.class, () -> executor.runBlocking(() -> CompletableFuture.failedFuture(unchecked))));
    IOException checked = new IOException("checked");
    CompletionException wrapped = assertThrows(CompletionException.class, () -> executor.runBlocking(() -> {
      throw checked;
    }));
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void runBlockingFromAnAsyncWorkerNeitherDeadlocksNorHangs() {
    AsyncExecutor executor = newExecutor(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Await.finishes(() -> Await.done(executor.submit(() -> {
      try {
        outcome.set(executor.runBlocking(() -> CompletableFuture.completedFuture("inner")));
      } catch (IllegalStateException refused) {
        outcome.set(refused);
      }
      return CompletableFuture.completedFuture(null);
    })), "runBlocking on an async worker");
    Object result = outcome.get();
    if (result instanceof IllegalStateException refused) {
      assertTrue(refused.getMessage() != null && refused.getMessage().length() > 20, "the message says why and what to call instead");
    } else {
      assertEquals("inner", result);
    }
  }

  @Test
  void runBlockingFromABlockingWorkerNeitherDeadlocksNorHangs() {
    AsyncExecutor executor = newExecutor(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Await.finishes(() -> Await.done(executor.submitBlocking(() -> {
      try {
        outcome.set(executor.runBlocking(() -> CompletableFuture.supplyAsync(() -> "nested")));
      } catch (IllegalStateException refused) {
        outcome.set(refused);
      }
      return null;
    })), "runBlocking on a blocking worker with every slot taken");
    Object result = outcome.get();
    if (result instanceof IllegalStateException refused) {
      assertTrue(refused.getMessage() != null && refused.getMessage().length() > 20);
    } else {
      assertEquals("nested", result);
    }
  }

  @Test
  void spawnHandsAFailureToTheUncaughtErrorHandler() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).onUncaughtError(reported::add));
    RuntimeException boom = new RuntimeException("fire and forget");
    CompletableFuture<Object> future = executor.spawn(() -> CompletableFuture.failedFuture(boom));
    assertFailsWith(boom, future);
    Await.until(() -> reported.contains(boom), () -> "the handler received the very exception");
    assertEquals(1, reported.size());
  }

  @Test
  void spawnDoesNotReportSuccessOrCancellation() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).onUncaughtError(reported::add));
    assertEquals(1, Await.value(executor.spawn(() -> CompletableFuture.completedFuture(1))));
    CompletableFuture<Object> pending = executor.spawn(CompletableFuture::new);
    pending.cancel(true);
    assertBalanced(executor);
    assertEquals(List.of(), reported);
  }

  @Test
  void spawnOnALaneRunsUnderThatLanesLimit() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("io", 1));
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<Void>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(executor.spawn("io", () -> {
        probe.enter();
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS))
            .whenComplete((v, e) -> probe.exit());
      }));
    }
    futures.forEach(Await::value);
    assertEquals(1, probe.max());
    assertRejects(IllegalArgumentException.class, "nowhere", () -> executor.spawn("nowhere", () -> null));
  }

  @Test
  void executeRunsTheCommandAndReportsItsFailure() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).onUncaughtError(reported::add));
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    executor.execute(() -> ran.complete(Thread.currentThread()));
    assertNotEquals(Thread.currentThread(), Await.value(ran));
    IllegalStateException boom = new IllegalStateException("runnable failed");
    executor.execute(() -> {
      throw boom;
    });
    Await.until(() -> reported.contains(boom), () -> "execute's failure reached the handler");
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void anHttpClientRunningOnTheExecutorServesTasksThatFillEveryWorker(int maxWorkers) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      AsyncExecutor executor = newExecutor(maxWorkers);
      HttpClient client = HttpClient.newBuilder().executor(executor).build();
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(executor.submit(() -> client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
            .thenApply(HttpResponse::body)));
      }
      Await.finishes(() -> calls.forEach(Await::value), "4 HTTP calls through a client that runs on the executor");
      assertEquals(List.of("pong", "pong", "pong", "pong"), calls.stream().map(CompletableFuture::join).toList());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void callAppropriatelyRunsAPlainFunctionOffTheCallersThread() {
    AsyncExecutor executor = newExecutor(2);
    Thread caller = Thread.currentThread();
    Thread ran = Await.value(executor.<Thread>callAppropriately(Thread::currentThread));
    assertNotEquals(caller, ran);
  }

  @Test
  void callAppropriatelyFollowsAStageTheFunctionReturns() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> result = executor.callAppropriately(() -> stage);
    stage.complete("from the stage");
    assertEquals("from the stage", Await.value(result));
    IOException io = new IOException("stage failed");
    assertFailsWith(io, executor.callAppropriately(() -> CompletableFuture.failedFuture(io)));
    IllegalStateException thrown = new IllegalStateException("threw");
    assertFailsWith(thrown, executor.callAppropriately(() -> {
      throw thrown;
    }));
  }

  @Test
  void cancellingCallAppropriatelyJustAfterItsFunctionReturnedAStageCancelsThatStage() throws Exception {
    AsyncExecutor executor = newExecutor(2);
    for (int round = 0; round < 50; round++) {
      CompletableFuture<String> stage = new CompletableFuture<>();
      java.util.concurrent.CountDownLatch returning = new java.util.concurrent.CountDownLatch(1);
      CompletableFuture<String> call = executor.callAppropriately(() -> {
        returning.countDown();
        return stage;
      });
      assertTrue(returning.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
      call.cancel(true);
      int r = round;
      Await.until(stage::isCancelled, () -> "round " + r + ": the stage the function returned was cancelled with the call");
    }
    assertBalanced(executor);
  }

  @Test
  void bridgingCallsAreRefusedAfterShutdown() {
    AsyncExecutor executor = newExecutor(1);
    executor.shutdown(false, false);
    assertShutdownRejects(() -> executor.spawn(() -> null));
    assertShutdownRejects(() -> executor.execute(() -> { }));
    assertShutdownRejects(() -> executor.callAppropriately(() -> 1));
    assertShutdownRejects(() -> executor.runBlocking(() -> CompletableFuture.completedFuture(1)));
    assertShutdownRejects(() -> executor.submit(() -> null));
    assertShutdownRejects(() -> executor.submitBlocking(() -> null));
    assertInstanceOf(RuntimeException.class, assertThrows(RuntimeException.class, () -> executor.spawn("any", () -> null)));
  }

  @Test
  void theStallWatchdogReportsAnAsyncTaskThatHoldsItsWorkerThreadOnceWithItsNameAndStack() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).detectStalls(java.time.Duration.ofMillis(50)).onUncaughtError(reported::add));
    Await.value(executor.submit(() -> {
      keepThisThreadBusy(java.time.Duration.ofMillis(400));
      return CompletableFuture.completedFuture(1);
    }, dev.corobridge.TaskOptions.builder().name("hog").build()));
    Await.until(() -> !reported.isEmpty(), () -> "the stall was reported");
    StalledTaskException stall = assertInstanceOf(StalledTaskException.class, reported.get(0));
    assertEquals("hog", stall.task());
    assertTrue(stall.getMessage().contains("hog") && stall.getMessage().contains("50 ms"), stall.getMessage());
    assertTrue(java.util.Arrays.stream(stall.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("keepThisThreadBusy")),
        "the stack shows where the task was busy");
    assertEquals(1, reported.size(), "reported once");
  }

  @Test
  void theStallWatchdogStaysSilentForTasksThatYieldOrBlockWhereBlockingBelongs() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).detectStalls(java.time.Duration.ofMillis(50)).onUncaughtError(reported::add));
    List<CompletableFuture<?>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(executor.submit(() -> CompletableFuture.completedFuture(1)));
    }
    for (int i = 0; i < 4; i++) {
      futures.add(executor.submit(() -> CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))));
      futures.add(executor.submitBlocking(() -> {
        Thread.sleep(200);
        return null;
      }));
    }
    futures.forEach(Await::done); // 200 ms each: four times the threshold, many watchdog rounds
    assertEquals(List.of(), reported);
  }

  @Test
  void theStallWatchdogReportsWorkersAllHeldByTasksWaitingForWorkTheyComposedOutsideTheirCall() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).detectStalls(java.time.Duration.ofMillis(50)).onUncaughtError(reported::add));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    java.util.concurrent.CountDownLatch returned = new java.util.concurrent.CountDownLatch(2);
    for (int i = 1; i <= 2; i++) {
      // The nested submit happens in a callback, after call() returned: the engine cannot see it.
      executor.submit(() -> {
        CompletableFuture<Integer> stage = gate.thenCompose(v -> executor.submit(() -> CompletableFuture.completedFuture(1)));
        returned.countDown();
        return stage;
      }, dev.corobridge.TaskOptions.builder().name("waiter-" + i).build());
    }
    Await.until(() -> returned.getCount() == 0, () -> "both waiters returned their stage");
    gate.complete(null);
    Await.until(() -> !reported.isEmpty(), () -> "the stuck executor was reported");
    StalledTaskException stall = assertInstanceOf(StalledTaskException.class, reported.get(0));
    assertTrue(stall.getMessage().contains("every worker") && stall.getMessage().contains("waiter-1")
        && stall.getMessage().contains("waiter-2"), stall.getMessage());
  }

  /** Computes without yielding for {@code duration}: what a misbehaving async task does. */
  static void keepThisThreadBusy(java.time.Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }
}
