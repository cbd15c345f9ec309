// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.MapOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.spi.ContextPropagation;
import dev.corobridge.spi.ContextPropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Context that follows the work (a registered {@link ContextPropagator}'s value, captured where work is
 * started and installed around each run of it) and the executor's status line, held the same on every runtime.
 */
public abstract class ContextContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ContextContract() {}

  /** The context a propagator carries here, like a request id in a logging MDC. */
  private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

  private static final ContextPropagator<String> REQUEST_PROPAGATOR = new ContextPropagator<>() {
    @Override public String capture() {
      return REQUEST.get();
    }

    @Override public String install(String captured) {
      String previous = REQUEST.get();
      REQUEST.set(captured);
      return previous;
    }

    @Override public void uninstall(String previous) {
      if (previous == null) {
        REQUEST.remove();
      } else {
        REQUEST.set(previous);
      }
    }
  };

  @BeforeEach
  void registerThePropagator() {
    ContextPropagation.register(REQUEST_PROPAGATOR);
  }

  @AfterEach
  void unregisterThePropagator() {
    ContextPropagation.unregister(REQUEST_PROPAGATOR);
    REQUEST.remove();
  }

  @Test
  void theCallersContextIsSeenByEveryKindOfWorkItStarts() throws Exception {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(2)).lane("slow", 1));
    Map<String, CompletableFuture<?>> seen = new ConcurrentHashMap<>();
    CompletableFuture<String> command = new CompletableFuture<>();
    REQUEST.set("request-7");
    try {
      seen.put("submit", executor.submit(() -> CompletableFuture.completedFuture(REQUEST.get())));
      seen.put("submit with options", executor.submit(() -> CompletableFuture.completedFuture(REQUEST.get()),
          TaskOptions.builder().lane("slow").name("with options").build()));
      seen.put("submitBlocking", executor.submitBlocking(REQUEST::get));
      seen.put("submitBlocking with options", executor.submitBlocking(REQUEST::get, TaskOptions.builder().lane("slow").build()));
      seen.put("callAppropriately", executor.callAppropriately(REQUEST::get));
      seen.put("spawn", executor.spawn(() -> CompletableFuture.completedFuture(REQUEST.get())));
      seen.put("map", executor.map(i -> CompletableFuture.completedFuture(REQUEST.get()), List.of(1, 2, 3)));
      seen.put("map with options", executor.map(i -> CompletableFuture.completedFuture(REQUEST.get()), List.of(1, 2, 3),
          MapOptions.builder().window(1).taskFor(i -> TaskOptions.builder().lane("slow").build()).build()));
      seen.put("mapBlocking", executor.mapBlocking(i -> REQUEST.get(), List.of(1, 2, 3)));
      try (Stream<String> stream = executor.mapIter(i -> CompletableFuture.completedFuture(REQUEST.get()), List.of(1, 2, 3))) {
        seen.put("mapIter", CompletableFuture.completedFuture(stream.collect(Collectors.toList())));
      }
      seen.put("scoped fork", executor.scoped(scope -> {
        CompletableFuture<String> async = scope.fork(() -> CompletableFuture.completedFuture(REQUEST.get()));
        CompletableFuture<String> blocking = scope.forkBlocking(REQUEST::get);
        return async.thenCombine(blocking, (a, b) -> List.of(a, b));
      }));
      seen.put("runBlocking", CompletableFuture.completedFuture(executor.runBlocking(() -> CompletableFuture.completedFuture(REQUEST.get()))));
      executor.execute(() -> command.complete(REQUEST.get()));
      seen.put("execute", command);
    } finally {
      REQUEST.remove();
    }
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<?>> entry : seen.entrySet()) {
      Object value = Await.value(entry.getValue());
      List<?> values = value instanceof List<?> list ? list : List.of(String.valueOf(value));
      for (Object one : values) {
        if (!"request-7".equals(one)) wrong.add(entry.getKey() + " saw " + one);
      }
    }
    assertTrue(wrong.isEmpty(), "every kind of work sees its caller's context: " + wrong);
  }

  @Test
  void aWorkerThreadGetsItsOwnContextBackAfterEachTask() {
    AsyncExecutor executor = newExecutor(1); // one worker, so the tasks share its thread where the runtime can
    REQUEST.set("request-1");
    try {
      assertEquals("request-1", Await.value(executor.submitBlocking(REQUEST::get)));
      assertEquals("request-1", Await.value(executor.submit(() -> CompletableFuture.completedFuture(REQUEST.get()))));
    } finally {
      REQUEST.remove();
    }
    assertNull(Await.value(executor.submitBlocking(REQUEST::get)), "a task started without context sees none");
    assertNull(Await.value(executor.submit(() -> CompletableFuture.completedFuture(REQUEST.get()))),
        "a task started without context sees none");
  }

  @Test
  void theStatusLineNamesTheExecutorItsRuntimeStateWorkersAndBoundedQueue() throws Exception {
    AsyncExecutor executor = newExecutor(b -> b.name("status").maxWorkers(1).queueCapacity(10));
    assertMatches("AsyncExecutor\\[status, runtime=[^,\\]]+, running, workers in use=0/1, queued=0/10]", executor.toString());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> running = executor.submitBlocking(() -> {
      started.countDown();
      release.await();
      return "ran";
    });
    Await.until(() -> started.getCount() == 0, () -> "the first task runs: " + executor);
    CompletableFuture<Integer> queued = executor.submit(() -> CompletableFuture.completedFuture(2));
    assertMatches("AsyncExecutor\\[status, runtime=[^,\\]]+, running, workers in use=1/1, queued=1/10]", executor.toString());
    executor.shutdown(false, false);
    assertMatches("AsyncExecutor\\[status, runtime=[^,\\]]+, shutting down, workers in use=1/1, queued=1/10]", executor.toString());
    release.countDown();
    assertEquals("ran", Await.value(running));
    assertEquals(2, Await.value(queued));
    Await.done(executor.termination());
    assertMatches("AsyncExecutor\\[status, runtime=[^,\\]]+, terminated, workers in use=0/1, queued=0/10]", executor.toString());
  }

  @Test
  void anUnboundedQueueShowsNoCapacityInTheStatusLine() {
    AsyncExecutor executor = newExecutor(b -> b.name("unbounded").maxWorkers(1).queueCapacity(Integer.MAX_VALUE));
    assertMatches("AsyncExecutor\\[unbounded, runtime=[^,\\]]+, running, workers in use=0/1, queued=0]", executor.toString());
  }

  private static void assertMatches(String regex, String actual) {
    assertTrue(actual.matches(regex), "expected " + regex + ", got " + actual);
  }
}
