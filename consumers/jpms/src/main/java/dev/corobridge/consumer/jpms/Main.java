// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.consumer.jpms;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ScopeOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.component.SyncComponent;
import dev.corobridge.coroutines.CoroutineAsyncExecutor;
import dev.corobridge.coroutines.CoroutineAsyncExecutors;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.test.ConcurrencyProbe;
import dev.corobridge.test.ExecutorChecks;
import dev.corobridge.test.ThreadLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs a task, a scope, a map, a component and an intent through Corobridge from a named module, checks a lane's
 * limit, the executor's stats and its threads with the test support, and exits with status 1 if anything is not as
 * the contract says (the build fails then).
 */
public final class Main {
  private static final List<String> SENT = new CopyOnWriteArrayList<>();

  private Main() {}

  /** The intent's handler, named by its method reference. */
  static void sendMail(Intent intent) {
    SENT.add("mail to " + intent.arg(0));
  }

  public static void main(String[] args) throws Exception {
    if (!Main.class.getModule().isNamed()) fail("not running on the module path");
    ThreadLeakCheck threads = ThreadLeakCheck.start();
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(4).lane("io", 2).build()) {
      // the engine is found through the module's `provides`, not the fallback
      CoroutineAsyncExecutor engine = CoroutineAsyncExecutors.asCoroutineExecutor(executor);
      check("engine", engine.getMaxWorkers(), 4);

      check("submit", executor.submit(() -> CompletableFuture.completedFuture("async")).join(), "async");
      check("submitBlocking", executor.submitBlocking(() -> "blocking", TaskOptions.builder().lane("io").build()).join(),
          "blocking");
      ConcurrencyProbe probe = new ConcurrencyProbe();
      List<CompletableFuture<Object>> lane = new ArrayList<>();
      for (int i = 0; i < 8; i++) lane.add(executor.submitBlocking(probe.blockingCall(5), TaskOptions.builder().lane("io").build()));
      CompletableFuture.allOf(lane.toArray(CompletableFuture[]::new)).join();
      check("the io lane's limit held", probe.max() <= 2, true);
      check("map", executor.map(n -> CompletableFuture.completedFuture(n * n), List.of(1, 2, 3)).join(), List.of(1, 4, 9));
      check("scope", executor.scoped(ScopeOptions.builder().deadline(Duration.ofSeconds(10)).build(), scope -> {
        CompletableFuture<Integer> a = scope.fork(() -> CompletableFuture.completedFuture(20));
        CompletableFuture<Integer> b = scope.forkBlocking(() -> 22);
        return a.thenCombine(b, Integer::sum);
      }).join(), 42);
      check("component", SyncComponent.<String, Integer>of("length", String::length).applyOn(executor, "corobridge").join(),
          10);

      check("an intent named by a method reference, nothing opened", Intent.of(Main::sendMail).build().name(), "sendMail");
      Airlock.scoped(() -> {
        Airlock.enqueue(Intent.of(Main::sendMail).args("ada@example.org").build());
        check("intent held until the scope ends", SENT, List.of());
        return null;
      });
      check("intent", SENT, List.of("mail to ada@example.org"));
      check("stats balance", ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(20)).running(), 0L);
    }
    threads.assertNoneLeft(Duration.ofSeconds(20));
    System.out.println("consumer-jpms: every check passed on the module path (" + Main.class.getModule() + ")");
  }

  private static void check(String what, Object actual, Object expected) {
    if (!expected.equals(actual)) fail(what + ": expected " + expected + " but was " + actual);
  }

  private static void fail(String message) {
    System.err.println("consumer-jpms: " + message);
    System.exit(1);
  }
}
