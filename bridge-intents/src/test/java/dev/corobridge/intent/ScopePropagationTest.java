// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.runtime.ManualExecutor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scopes follow the work: into tasks submitted from inside them, and never into another unit of work. */
class ScopePropagationTest {

  @Test
  void tasksSubmittedFromInsideAScopeEnqueueIntoIt() throws Exception {
    Recorder recorder = new Recorder();
    try (AsyncExecutor executor = AsyncExecutor.create(4)) {
      try (IntentScope scope = Airlock.scope(recorder)) {
        executor.submitBlocking(() -> {
          Airlock.enqueue(recorder.effect("fromBlocking"));
          return null;
        }).join();
        executor.submit(() -> {
          Airlock.enqueue(recorder.effect("fromAsync"));
          return CompletableFuture.completedFuture(null);
        }).join();
        executor.map(i -> {
          Airlock.enqueue(recorder.effect("fromMap", i));
          return CompletableFuture.completedFuture(i);
        }, List.of(1, 2)).join();
        try (var results = executor.mapIter(i -> {
          Airlock.enqueue(recorder.effect("fromMapIter", i));
          return CompletableFuture.completedFuture(i);
        }, List.of(3))) {
          results.forEach(i -> { });
        }
        assertEquals(5, scope.pending().size());
        assertEquals(List.of(), recorder.ran);
        scope.complete();
      }
      assertEquals(5, recorder.ran.size());
      assertEquals(Optional.empty(), executor.submitBlocking(Airlock::current).join(), "workers do not keep the scope");
    }
  }

  @Test
  void theManualRuntimeCarriesTheScopeToo() {
    Recorder recorder = new Recorder();
    ManualExecutor executor = ManualExecutor.create(1);
    IntentScope scope = Airlock.scope(recorder);
    CompletableFuture<IntentScope> seen = executor.submitBlocking(() -> Airlock.current().orElse(null));
    scope.close();
    executor.runUntilIdle();
    assertSame(scope, seen.join(), "the task runs after the scope left this thread, and still sees it");
  }

  @Test
  void concurrentUnitsOfWorkNeverSeeEachOthersScopes() throws Exception {
    Recorder recorder = new Recorder();
    int units = 8;
    ExecutorService requests = Executors.newFixedThreadPool(units);
    try (AsyncExecutor shared = AsyncExecutor.create(4)) {
      CountDownLatch allOpen = new CountDownLatch(units);
      List<Future<List<String>>> pendings = new java.util.ArrayList<>();
      for (int u = 0; u < units; u++) {
        int unit = u;
        pendings.add(requests.submit(() -> {
          try (IntentScope scope = Airlock.scope(recorder)) {
            allOpen.countDown();
            allOpen.await(20, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
              int n = i;
              shared.submitBlocking(() -> {
                Airlock.enqueue(recorder.effect("unit" + unit, n));
                return null;
              }).join();
            }
            List<String> names = scope.pending().stream().map(Intent::name).distinct().collect(Collectors.toList());
            if (unit % 2 == 0) scope.complete(); // odd units fail
            return names;
          }
        }));
      }
      for (int u = 0; u < units; u++) {
        assertEquals(List.of("unit" + u), pendings.get(u).get(20, TimeUnit.SECONDS), "unit " + u + " saw only its own intents");
      }
      assertEquals(units / 2 * 20, recorder.ran.size(), "the even units' intents went out, the odd ones' were dropped");
    } finally {
      requests.shutdown();
    }
  }
}
