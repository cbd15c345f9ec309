// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComponentRunnerTest {
  private final AsyncExecutor executor = AsyncExecutor.create(4);
  private final ComponentRunner runner = ComponentRunner.on(executor);

  @AfterEach
  void close() {
    executor.close();
  }

  private static AsyncComponent<Integer, Integer> async(String name, java.util.function.IntUnaryOperator fn) {
    return new AsyncComponent<>() {
      @Override
      public CompletableFuture<Integer> apply(Integer input) {
        return CompletableFuture.supplyAsync(() -> fn.applyAsInt(input));
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  @Test
  void runAllMixesKindsAndKeepsComponentOrder() {
    AsyncComponent<Integer, Integer> doubler = async("doubler", i -> i * 2);
    SyncComponent<Integer, Integer> squarer = SyncComponent.of("squarer", i -> i * i);
    List<ComponentResult<Integer>> results = runner.<Integer, Integer>runAll(List.of(doubler, squarer), 7).join();
    assertEquals("[doubler -> 14, squarer -> 49]", results.toString());
  }

  @Test
  void aFailureIsReportedPerComponentWithoutLosingTheOthers() {
    IOException down = new IOException("down");
    SyncComponent<Integer, Integer> failing = SyncComponent.of("failing", i -> {
      throw down;
    });
    List<ComponentResult<Integer>> results = runner.<Integer, Integer>runAll(List.of(async("a", i -> i + 1), failing, async("c", i -> i + 3)), 1).join();
    assertEquals(2, results.get(0).value());
    assertFalse(results.get(1).succeeded());
    assertSame(down, results.get(1).failure());
    assertEquals("failing", results.get(1).component());
    assertEquals(4, results.get(2).value());
    assertSame(down, assertThrows(CompletionException.class, results.get(1)::valueOrThrow).getCause());
  }

  @Test
  void failFastFailsAtTheFirstFailureAndCancelsTheRest() {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Integer> never = new CompletableFuture<>();
    CompletableFuture<Void> hangingStarted = new CompletableFuture<>();
    AsyncComponent<Integer, Integer> hanging = input -> {
      hangingStarted.complete(null);
      return never;
    };
    AsyncComponent<Integer, Integer> failing = input -> hangingStarted.thenCompose(v -> CompletableFuture.failedFuture(boom));
    CompletableFuture<List<ComponentResult<Integer>>> run = runner.failFast().<Integer, Integer>runAll(List.of(hanging, failing), 1);
    assertSame(boom, assertThrows(CompletionException.class, run::join).getCause());
    assertTrue(waitUntil(never::isCancelled), "the hanging component was cancelled");
  }

  private static boolean waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      Thread.onSpinWait();
    }
    return true;
  }

  @Test
  void bestPicksTheHighestRankedSuccess() {
    SyncComponent<Integer, Integer> failing = SyncComponent.of("failing", i -> {
      throw new IOException("x");
    });
    ComponentResult<Integer> best = runner.<Integer, Integer>best(List.of(async("low", i -> i), failing, async("high", i -> i * 10)), 3,
        Comparator.<Integer>naturalOrder()).join();
    assertEquals("high", best.component());
    assertEquals(30, best.value());
    ComponentResult<Integer> byScore = runner.<Integer, Integer>best(List.of(async("near", i -> 9), async("far", i -> 100)), 10,
        (Integer v) -> -Math.abs(v - 10.0)).join();
    assertEquals("near", byScore.component());
  }

  @Test
  void bestFailsWithTheFirstFailureWhenEveryComponentFails() {
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    CompletableFuture<ComponentResult<Integer>> best = runner.<Integer, Integer>best(List.of(
        SyncComponent.of("one", i -> { throw first; }), SyncComponent.of("two", i -> { throw second; })), 1, Comparator.<Integer>naturalOrder());
    CompletionException e = assertThrows(CompletionException.class, best::join);
    assertSame(first, e.getCause());
    assertSame(second, first.getSuppressed()[0]);
  }

  @Test
  void chainRunsEveryInputThroughTheStagesAndNamesTheStageThatFailed() {
    AsyncComponent<Integer, Integer> plusOne = async("plusOne", i -> i + 1);
    SyncComponent<Integer, String> label = SyncComponent.of("label", i -> {
      if (i == 3) throw new IllegalArgumentException("three");
      return "#" + i;
    });
    List<ComponentResult<String>> results = runner.<String>chain(List.of(plusOne, label), List.of(0, 1, 2, 5)).join();
    assertEquals(List.of("#1", "#2", "#6"), List.of(results.get(0).value(), results.get(1).value(), results.get(3).value()));
    assertEquals("label", results.get(2).component());
    assertInstanceOf(IllegalArgumentException.class, results.get(2).failure());
  }

  @Test
  void eachComponentGetsItsOwnCopyOfAThreadUnsafeInputAndCopiesAreClosed() {
    List<Object> seen = new CopyOnWriteArrayList<>();
    AsyncComponent<List<String>, Integer> sizer = input -> {
      seen.add(input);
      return CompletableFuture.completedFuture(input.size());
    };
    List<String> mutable = new ArrayList<>(List.of("a", "b"));
    runner.<List<String>, Integer>runAll(List.of(sizer, sizer), mutable).join();
    assertEquals(2, seen.size());
    assertNotSame(mutable, seen.get(0));
    assertNotSame(seen.get(0), seen.get(1));
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) seen.get(0)).clear(), "an immutable snapshot");

    AtomicInteger opened = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    final class Session implements ThreadHandoff<Session>, AutoCloseable {
      @Override public Session copyForThread() {
        opened.incrementAndGet();
        return new Session();
      }

      @Override public void close() {
        closed.incrementAndGet();
      }
    }
    AsyncComponent<Session, String> user = input -> CompletableFuture.completedFuture("used");
    runner.<Session, String>runAll(List.of(user, user, user), new Session()).join();
    assertEquals(3, opened.get(), "a copy per component");
    assertTrue(waitUntil(() -> closed.get() == 3), "each copy closed when its component finished");
  }

  @Test
  void aKnownUnsafeValueWithoutARuleIsRefusedAndARuleLetsItThrough() throws Exception {
    java.io.InputStream stream = new java.io.ByteArrayInputStream(new byte[] {1, 2, 3});
    AsyncComponent<java.io.InputStream, Integer> reader = input -> CompletableFuture.completedFuture(input.available());
    UnsafeHandoffException refused = assertThrows(UnsafeHandoffException.class,
        () -> runner.<java.io.InputStream, Integer>runAll(List.of(reader), stream));
    assertTrue(refused.getMessage().contains("java.io.InputStream"), refused.getMessage());
    ComponentRunner withRule = runner.withHandoff(HandoffRules.defaults()
        .with(java.io.InputStream.class, in -> new java.io.ByteArrayInputStream(new byte[] {9})));
    assertEquals(1, withRule.<java.io.InputStream, Integer>runAll(List.of(reader), stream).join().get(0).value());
    assertEquals(3, stream.available(), "the original was not touched");
    assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().unsafe(StringBuffer.class).handOff(new StringBuffer()));
  }

  /** A thread-unsafe resource whose copies record when they are closed and whether a query was still running. */
  static final class Connection implements AutoCloseable {
    final AtomicInteger queriesRunning = new AtomicInteger();
    volatile boolean closed;
    volatile boolean closedMidQuery;

    Connection duplicate() {
      return new Connection();
    }

    @Override
    public void close() {
      closedMidQuery = queriesRunning.get() > 0;
      closed = true;
    }
  }

  @Test
  void aCancelledSyncComponentsCopyIsClosedOnlyAfterItsCallHasReturned() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger copies = new AtomicInteger();
    List<Connection> made = new CopyOnWriteArrayList<>();
    HandoffRules rules = HandoffRules.defaults().unsafe(Connection.class).with(Connection.class, c -> {
      copies.incrementAndGet();
      Connection copy = c.duplicate();
      made.add(copy);
      return copy;
    });
    SyncComponent<Connection, String> slowQuery = SyncComponent.of("query", connection -> {
      connection.queriesRunning.incrementAndGet();
      try {
        started.countDown();
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(150);
        while (System.nanoTime() < until) {
          Thread.onSpinWait(); // a native call that does not see the interrupt
        }
        return "rows";
      } finally {
        connection.queriesRunning.decrementAndGet();
      }
    });
    CompletableFuture<?> run = ComponentRunner.on(executor).withHandoff(rules).runAll(List.of(slowQuery), new Connection());
    assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
    run.cancel(true);
    Connection copy = made.get(0);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!copy.closed && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(copy.closed, "the copy was closed");
    assertFalse(copy.closedMidQuery, "it was closed after the query had returned, not while it ran");
    assertEquals(1, copies.get());
  }

  @Test
  void syncComponentApplyOnHandsTheInputOffToTheBlockingThread() {
    SyncComponent<Object, Object> echo = SyncComponent.of("echo", value -> value);
    List<String> mutable = new ArrayList<>(List.of("a"));
    Object received = echo.applyOn(executor, mutable).join();
    assertNotSame(mutable, received, "a snapshot crossed, not the caller's list");
    assertEquals(List.of("a"), received);
    assertThrows(UnsafeHandoffException.class, () -> echo.applyOn(executor, new StringBuilder("unsafe")));
  }
}
