// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.FailedItem;
import dev.corobridge.MapOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.test.ConcurrencyProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Spec §2: map, mapBlocking, the zipping map and mapIter. */
public abstract class BatchContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected BatchContract() {}


  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  private static <T> CompletableFuture<T> after(int maxMillis, T value) {
    return CompletableFuture.supplyAsync(() -> value,
        CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(maxMillis + 1), TimeUnit.MILLISECONDS));
  }

  /** An endless Iterable that counts how many items were pulled (0, 1, 2, ...). */
  static Iterable<Integer> endless(AtomicInteger pulled) {
    return () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return pulled.getAndIncrement();
      }
    };
  }

  @Test
  void mapReturnsResultsInInputOrderWhateverOrderTheyFinishIn() {
    AsyncExecutor executor = newExecutor(8);
    List<Integer> results = Await.value(executor.map(i -> after(5, i * i), range(200)));
    assertEquals(range(200).stream().map(i -> i * i).collect(Collectors.toList()), results);
  }

  @Test
  void mapReadsItsWholeInputAtTheCallSoLaterChangesOfTheSourceDoNotCount() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    List<Integer> source = new ArrayList<>(range(5));
    CompletableFuture<List<Integer>> async = executor.map(i -> gate.thenApply(v -> i), source);
    CompletableFuture<List<Integer>> blocking = executor.mapBlocking(i -> {
      gate.join();
      return i;
    }, source);
    CompletableFuture<List<Integer>> zipped = executor.map((a, b) -> gate.thenApply(v -> a + b), source, source);
    source.clear(); // the batches hold their input already: nothing is read from the source after the call
    source.add(99);
    gate.complete(null);
    assertEquals(range(5), Await.value(async));
    assertEquals(range(5), Await.value(blocking));
    assertEquals(List.of(0, 2, 4, 6, 8), Await.value(zipped));
  }

  @Test
  void mapLeavesItsCallersItemsAsTheyWere() {
    AsyncExecutor executor = newExecutor(4);
    List<String> source = new ArrayList<>(List.of("a", "bb", "ccc", "dddd"));
    Integer[] array = {1, 2, 3};
    assertEquals(List.of(1, 2, 3, 4), Await.value(executor.map(s -> CompletableFuture.completedFuture(s.length()), source)));
    assertEquals(List.of(1, 2, 3, 4), Await.value(executor.mapBlocking(String::length, source)));
    assertEquals(List.of(-1, -2, -3), Await.value(executor.map(i -> CompletableFuture.completedFuture(-i), Arrays.asList(array))));
    assertEquals(List.of("a", "bb", "ccc", "dddd"), source);
    assertArrayEquals(new Integer[] {1, 2, 3}, array, "the array behind Arrays.asList");
  }

  @Test
  void mapOverACollectionWhoseArrayIsOfItsElementTypeReturnsEveryResult() {
    AsyncExecutor executor = newExecutor(4);
    List<String> words = new OwnTypedArrayList("a", "bb", "ccc");
    assertEquals(List.of(1, 2, 3), Await.value(executor.map(s -> CompletableFuture.completedFuture(s.length()), words)));
    assertEquals(List.of(1, 2, 3), Await.value(executor.mapBlocking(String::length, words)));
  }

  /**
   * A list whose {@code toArray} methods hand back an array of its element type ({@code String[]}), as
   * {@code Arrays.asList} did before JDK 9: results of another type cannot be stored in it.
   */
  private static final class OwnTypedArrayList extends java.util.AbstractList<String> {
    private final String[] items;

    OwnTypedArrayList(String... items) {
      this.items = items;
    }

    @Override
    public String get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public Object[] toArray() {
      return items.clone();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T[] toArray(T[] ignored) {
      return (T[]) items.clone();
    }
  }

  @Test
  void anInputThatFailsToIterateFailsTheMapCall() {
    AsyncExecutor executor = newExecutor(2);
    IllegalStateException broken = new IllegalStateException("cursor closed");
    Iterable<Integer> failing = () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        if (next == 3) throw broken;
        return true;
      }

      @Override
      public Integer next() {
        return next++;
      }
    };
    assertSame(broken, assertThrows(IllegalStateException.class,
        () -> executor.map(i -> CompletableFuture.completedFuture(i), failing)));
    assertSame(broken, assertThrows(IllegalStateException.class, () -> executor.mapBlocking(i -> i, failing)));
  }

  @Test
  void mapOfNothingIsAnEmptyList() {
    AsyncExecutor executor = newExecutor(2);
    assertEquals(List.of(), Await.value(executor.map(i -> CompletableFuture.completedFuture(i), List.<Integer>of())));
    assertEquals(List.of(), Await.value(executor.mapBlocking(i -> i, List.<Integer>of())));
  }

  @Test
  void mapFailsFastWithTheFirstFailureAndCancelsTheRest() {
    AsyncExecutor executor = newExecutor(4);
    IllegalArgumentException boom = new IllegalArgumentException("item 3");
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<List<Integer>> result = executor.map(i -> {
      started.incrementAndGet();
      if (i == 3) {
        return CompletableFuture.supplyAsync(() -> {
          throw boom;
        }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
      }
      CompletableFuture<Integer> never = new CompletableFuture<>();
      pending.add(never);
      return never;
    }, range(1000));
    assertFailsWith(boom, result);
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "every item in flight is cancelled");
    assertTrue(started.get() < 1000, "items not yet started are never started");
    assertBalanced(executor);
  }

  @Test
  void aFailedItemFailsTheMapEvenWhenTheOtherItemFinishesOnAnotherThreadAtTheSameMoment() throws InterruptedException {
    AsyncExecutor executor = newExecutor(2);
    AtomicReference<CompletableFuture<Integer>> toFinish = new AtomicReference<>();
    AtomicBoolean testOver = new AtomicBoolean();
    Thread finisher = new Thread(() -> { // spins rather than parks, so that it finishes item 0 within nanoseconds
      while (!testOver.get()) {
        CompletableFuture<Integer> item = toFinish.getAndSet(null);
        if (item == null) {
          Thread.onSpinWait();
          continue;
        }
        int spins = ThreadLocalRandom.current().nextInt(64);
        for (int s = 0; s < spins; s++) Thread.onSpinWait();
        item.complete(0);
      }
    }, "tck-finisher");
    finisher.start();
    try {
      for (int round = 0; round < 5_000; round++) {
        CompletableFuture<Integer> first = new CompletableFuture<>();
        IllegalStateException broke = new IllegalStateException("no options for item 1 in round " + round);
        MapOptions options = MapOptions.builder().window(2).taskFor((Integer i) -> {
          if (i == 0) return TaskOptions.defaults();
          toFinish.set(first); // item 0 finishes while item 1 is failing
          throw broke;
        }).build();
        CompletableFuture<List<Integer>> result = executor.map(i -> i == 0 ? first : CompletableFuture.completedFuture(i), range(2), options);
        assertSame(broke, Await.failure(result), "round " + round);
        assertEquals(1, FailedItem.of(broke).map(FailedItem::index).orElse(-1L), "round " + round + ": the failure says which item, at once");
      }
    } finally {
      testOver.set(true);
      finisher.join();
    }
    assertBalanced(executor);
  }

  @Test
  void cancellingTheMapFutureCancelsTheItemsInFlight() {
    AsyncExecutor executor = newExecutor(3);
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    CompletableFuture<List<Integer>> result = executor.map(i -> {
      CompletableFuture<Integer> never = new CompletableFuture<>();
      pending.add(never);
      return never;
    }, range(10));
    Await.until(() -> pending.size() == 3, () -> "three items in flight");
    result.cancel(true);
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "items cancelled");
    assertEquals(3, pending.size(), "no further item starts");
    assertBalanced(executor);
  }

  @Test
  void mapKeepsAtMostWindowItemsInFlight() {
    AsyncExecutor executor = newExecutor(16);
    ConcurrencyProbe probe = new ConcurrencyProbe();
    Await.value(executor.map(i -> {
      probe.enter();
      return after(2, i).whenComplete((v, e) -> probe.exit());
    }, range(200), MapOptions.builder().window(3).build()));
    assertTrue(probe.max() <= 3, "window 3, saw " + probe.max());
  }

  @Test
  void mapWithABatchTimeoutFailsWithTimeoutExceptionAndCancelsTheItems() {
    AsyncExecutor executor = newExecutor(2);
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    CompletableFuture<List<Integer>> result = executor.map(i -> {
      CompletableFuture<Integer> never = new CompletableFuture<>();
      pending.add(never);
      return never;
    }, range(5), MapOptions.builder().timeout(Duration.ofMillis(50)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(result));
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "items cancelled");
  }

  @Test
  void aBatchTimeoutFailsTheBatchAtItsDeadlineEvenWhenAnItemIgnoresTheInterrupt() {
    AsyncExecutor executor = newExecutor(2);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<List<Integer>> result = executor.mapBlocking(i -> {
      if (i == 0) return 0;
      while (true) {
        try {
          release.await();
          return i;
        } catch (InterruptedException ignored) {
          // carries on
        }
      }
    }, range(3), MapOptions.builder().timeout(Duration.ofMillis(100)).build());
    try {
      assertInstanceOf(TimeoutException.class, Await.failure(result), "fails at its deadline, not when the items give up");
    } finally {
      release.countDown();
    }
    assertBalanced(executor);
  }

  @Test
  void aMapIterTimeoutEndsTheStreamAtItsDeadlineEvenWhenAnItemCannotBeCancelled() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<Integer> owner = new CompletableFuture<>();
    try (Stream<Integer> stream = executor.mapIter(i -> i == 0 ? CompletableFuture.completedFuture(0) : OddStages.unconvertible(owner),
        range(3), MapOptions.builder().timeout(Duration.ofMillis(100)).build())) {
      Iterator<Integer> it = stream.iterator();
      assertEquals(0, it.next());
      CompletableFuture<Throwable> next = CompletableFuture.supplyAsync(() -> {
        try {
          it.next();
          return null;
        } catch (Throwable e) {
          return e;
        }
      });
      Throwable ended = Await.value(next);
      assertInstanceOf(CompletionException.class, ended, "the stream ends at its deadline");
      assertInstanceOf(TimeoutException.class, ended.getCause());
    } finally {
      owner.complete(-1);
    }
    assertBalanced(executor);
  }

  @Test
  void theTwoInputMapZipsAndStopsAtTheShorter() {
    AsyncExecutor executor = newExecutor(4);
    List<String> results = Await.value(executor.map((Integer a, String b) -> after(3, a + b), List.of(1, 2, 3, 4), List.of("a", "b", "c")));
    assertEquals(List.of("1a", "2b", "3c"), results);
  }

  @Test
  void mapBlockingRunsOnWorkerThreadsInInputOrder() {
    AsyncExecutor executor = newExecutor(4);
    Thread caller = Thread.currentThread();
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<Integer> results = Await.value(executor.mapBlocking(i -> {
      probe.enter();
      try {
        assertFalse(Thread.currentThread() == caller);
        Thread.sleep(ThreadLocalRandom.current().nextInt(2));
        return -i;
      } finally {
        probe.exit();
      }
    }, range(60)));
    assertEquals(range(60).stream().map(i -> -i).collect(Collectors.toList()), results);
    assertTrue(probe.max() <= 4);
  }

  @Test
  void itemsThatTurnSlowAtTheEndOfABatchStillRunWindowAtATime() {
    AsyncExecutor executor = newExecutor(8);
    int n = 300;
    int window = 4;
    // The last `window` items finish only once all of them have started: they must run at the same time, even
    // after hundreds of trivial items before them.
    AtomicInteger lastStarted = new AtomicInteger();
    CompletableFuture<Void> allLastStarted = new CompletableFuture<>();
    CompletableFuture<List<Integer>> batch = executor.map(i -> {
      if (i < n - window) return CompletableFuture.completedFuture(i);
      if (lastStarted.incrementAndGet() == window) allLastStarted.complete(null);
      return allLastStarted.orTimeout(10, TimeUnit.SECONDS).thenApply(v -> i);
    }, range(n), MapOptions.builder().window(window).build());
    assertEquals(range(n), Await.value(batch), "the last items ran together, window at a time");
    assertBalanced(executor);
  }

  @Test
  void cancellingAMapBlockingBatchInterruptsItsBlockedItemsAndLeavesNoInterruptOnTheThreads() throws Exception {
    AsyncExecutor executor = newExecutor(3);
    for (int round = 0; round < 20; round++) {
      CountDownLatch blocked = new CountDownLatch(3);
      AtomicInteger interrupted = new AtomicInteger();
      AtomicInteger ranAfterCancel = new AtomicInteger();
      AtomicBoolean cancelled = new AtomicBoolean();
      CompletableFuture<List<Integer>> batch = executor.mapBlocking(i -> {
        if (cancelled.get()) ranAfterCancel.incrementAndGet();
        blocked.countDown();
        try {
          Thread.sleep(60_000);
          return i;
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          throw e;
        }
      }, range(30));
      assertTrue(blocked.await(10, TimeUnit.SECONDS), "three items block");
      cancelled.set(true);
      batch.cancel(true);
      Await.until(() -> interrupted.get() == 3 && executor.stats().running() == 0,
          () -> "the blocked items are interrupted: " + interrupted + ", " + executor.stats());
      assertEquals(0, ranAfterCancel.get(), "no item starts after the cancel");
      // The same threads run the next batch: none of its items finds an interrupt left over.
      List<Boolean> leftOver = Await.value(executor.mapBlocking(i -> Thread.currentThread().isInterrupted(), range(30)));
      assertFalse(leftOver.contains(true), "an interrupt outlived the call it was meant for");
    }
    assertBalanced(executor);
  }

  @Test
  void anItemThatFinishesJustAsItsBatchIsCancelledLeavesNoInterruptBehind() {
    AsyncExecutor executor = newExecutor(2);
    for (int round = 0; round < 200; round++) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<List<Integer>> batch = executor.mapBlocking(i -> {
        started.countDown();
        long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(50_000);
        while (System.nanoTime() < until) Thread.onSpinWait(); // busy, not interruptible: races the cancel
        return i;
      }, range(4), MapOptions.builder().window(1).build());
      Await.until(() -> started.getCount() == 0, () -> "an item started");
      batch.cancel(true);
      Await.done(batch);
    }
    List<Boolean> leftOver = Await.value(executor.mapBlocking(i -> Thread.currentThread().isInterrupted(), range(40)));
    assertFalse(leftOver.contains(true), "an interrupt outlived the call it was meant for");
    assertBalanced(executor);
  }

  @Test
  void mapBlockingFailsWithTheFunctionsOwnCheckedException() {
    AsyncExecutor executor = newExecutor(2);
    IOException io = new IOException("io");
    assertFailsWith(io, executor.mapBlocking(i -> {
      if (i == 7) throw io;
      return i;
    }, range(20)));
  }

  @Test
  void mapIterYieldsInInputOrder() {
    AsyncExecutor executor = newExecutor(8);
    try (Stream<Integer> stream = executor.mapIter(i -> after(3, i * 2), range(300))) {
      assertEquals(range(300).stream().map(i -> i * 2).collect(Collectors.toList()), stream.collect(Collectors.toList()));
    }
    assertBalanced(executor);
  }

  @Test
  void mapIterPullsAnEndlessInputLazilyWithinTheWindow() {
    AsyncExecutor executor = newExecutor(8);
    AtomicInteger pulled = new AtomicInteger();
    ConcurrencyProbe probe = new ConcurrencyProbe();
    int window = 5;
    try (Stream<Integer> stream = executor.mapIter(i -> probe.completeLater(i, 1),
        endless(pulled), MapOptions.builder().window(window).build())) {
      Iterator<Integer> it = stream.iterator();
      for (int expected = 0; expected < 50; expected++) {
        assertEquals(expected, it.next());
        assertTrue(pulled.get() <= expected + 1 + window, "pulled " + pulled.get() + " after consuming " + (expected + 1));
      }
    }
    assertTrue(probe.max() <= window, "window " + window + ", saw " + probe.max());
    Await.until(() -> probe.now() == 0, () -> "nothing in flight after close");
    int afterClose = pulled.get();
    assertBalanced(executor);
    assertEquals(afterClose, pulled.get(), "no pulling after close");
  }

  @Test
  void mapIterCallsItsInputOnlyOnTheConsumingThread() {
    AsyncExecutor executor = newExecutor(4);
    Set<Thread> pullers = ConcurrentHashMap.newKeySet();
    Iterator<Integer> source = range(100).iterator();
    Iterable<Integer> watched = () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        pullers.add(Thread.currentThread());
        return source.hasNext();
      }

      @Override
      public Integer next() {
        pullers.add(Thread.currentThread());
        return source.next();
      }
    };
    try (Stream<Integer> stream = executor.mapIter(i -> after(1, i), watched, MapOptions.builder().window(8).build())) {
      assertEquals(range(100), stream.collect(Collectors.toList()));
    }
    assertEquals(Set.of(Thread.currentThread()), pullers);
  }

  @Test
  void mapIterWindowDefaultsToMaxWorkers() {
    AsyncExecutor executor = newExecutor(3);
    ConcurrencyProbe probe = new ConcurrencyProbe();
    AtomicInteger pulled = new AtomicInteger();
    try (Stream<Integer> stream = executor.mapIter(i -> probe.completeLater(i, 2), endless(pulled))) {
      Iterator<Integer> it = stream.iterator();
      for (int consumed = 1; consumed <= 40; consumed++) {
        assertEquals(consumed - 1, it.next());
        assertTrue(pulled.get() <= consumed + 3 + 1, "pulled " + pulled.get() + " after consuming " + consumed + ": window 3");
      }
    }
    assertTrue(probe.max() <= 3, "at most maxWorkers = 3 in flight, saw " + probe.max());
    assertTrue(probe.max() >= 2, "items do run concurrently");
  }

  @Test
  void closingTheMapIterStreamCancelsWhatIsInFlight() {
    AsyncExecutor executor = newExecutor(4);
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    Stream<Integer> stream = executor.mapIter(i -> {
      CompletableFuture<Integer> f = i == 0 ? CompletableFuture.completedFuture(0) : new CompletableFuture<>();
      if (i != 0) pending.add(f);
      return f;
    }, endless(new AtomicInteger()));
    assertEquals(0, stream.iterator().next());
    Await.until(() -> pending.size() >= 3, () -> "items in flight");
    stream.close();
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "in-flight items cancelled");
    assertBalanced(executor);
  }

  @Test
  void aShortCircuitingTerminalOperationCancelsWhatIsInFlight() {
    AsyncExecutor executor = newExecutor(4);
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    Optional<Integer> first = executor.<Integer, Integer>mapIter(i -> {
      CompletableFuture<Integer> f = i == 0 ? CompletableFuture.completedFuture(42) : new CompletableFuture<>();
      if (i != 0) pending.add(f);
      return f;
    }, endless(new AtomicInteger())).filter(v -> v > 0).findFirst();
    assertEquals(Optional.of(42), first);
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "in-flight items cancelled");
    assertBalanced(executor);
  }

  @Test
  void aFailedItemMakesTheStreamThrowItsExceptionAndCancelsTheRest() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException boom = new IllegalStateException("item 2");
    IOException checked = new IOException("item 1");
    try (Stream<Integer> stream = executor.mapIter(i -> {
      if (i == 2) throw boom;
      return CompletableFuture.completedFuture(i);
    }, range(10))) {
      assertSame(boom, assertThrows(IllegalStateException.class, () -> stream.forEach(v -> { })));
    }
    try (Stream<Integer> stream = executor.mapIter(i -> i == 1 ? CompletableFuture.failedFuture(checked) : CompletableFuture.completedFuture(i), range(10))) {
      assertSame(checked, assertThrows(CompletionException.class, () -> stream.forEach(v -> { })).getCause());
    }
    assertBalanced(executor);
  }

  @Test
  void anIteratorThatThrowsEndsTheStreamWithItsExceptionAfterTheItemsBeforeIt() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException broken = new IllegalStateException("source broke after 5 items");
    Iterable<Integer> fiveThenBroken = () -> new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        if (next == 5) throw broken;
        return next++;
      }
    };
    try (Stream<Integer> stream = executor.mapIter(i -> after(2, i), fiveThenBroken, MapOptions.builder().window(3).build())) {
      Iterator<Integer> it = stream.iterator();
      for (int expected = 0; expected < 5; expected++) assertEquals(expected, it.next());
      assertSame(broken, assertThrows(IllegalStateException.class, it::next));
    }
    assertBalanced(executor);
  }

  @Test
  void aMapIterTimeoutFailsTheStreamWithTimeoutExceptionAndCancelsWhatIsInFlight() {
    AsyncExecutor executor = newExecutor(4);
    Set<CompletableFuture<Integer>> pending = ConcurrentHashMap.newKeySet();
    try (Stream<Integer> stream = executor.mapIter(i -> {
      if (i == 0) return CompletableFuture.completedFuture(0);
      CompletableFuture<Integer> never = new CompletableFuture<>();
      pending.add(never);
      return never;
    }, endless(new AtomicInteger()), MapOptions.builder().window(3).timeout(Duration.ofMillis(200)).build())) {
      Iterator<Integer> it = stream.iterator();
      assertEquals(0, it.next());
      CompletionException e = assertThrows(CompletionException.class, it::next);
      assertInstanceOf(TimeoutException.class, e.getCause());
    }
    assertFalse(pending.isEmpty());
    Await.until(() -> pending.stream().allMatch(CompletableFuture::isCancelled), () -> "in-flight items cancelled");
    assertBalanced(executor);
  }

  @Test
  void mapIterItemsHonourTheTaskOptionsGivenForThem() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(8)).lane("narrow", 2));
    ConcurrencyProbe probe = new ConcurrencyProbe();
    MapOptions options = MapOptions.builder().window(8).task(dev.corobridge.TaskOptions.builder().lane("narrow").build()).build();
    try (Stream<Integer> stream = executor.mapIter(i -> probe.completeLater(i, 2), range(60), options)) {
      assertEquals(range(60), stream.collect(Collectors.toList()));
    }
    assertTrue(probe.max() <= 2, "lane of 2, saw " + probe.max());
    assertBalanced(executor);
  }

  @Test
  void aStreamOpenedBeforeAGracefulShutdownRunsToItsEndAndThenTheExecutorTerminates() {
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> stream = executor.mapIter(i -> after(1, i), range(40), MapOptions.builder().window(3).build())) {
      Iterator<Integer> it = stream.iterator();
      assertEquals(0, it.next());
      executor.shutdown(false, false);
      assertFalse(executor.isTerminated(), "the stream is still in flight");
      for (int expected = 1; expected < 40; expected++) assertEquals(expected, it.next());
      assertFalse(it.hasNext());
    }
    Await.value(executor.termination());
    assertBalanced(executor);
  }

  @Test
  void shutdownWithCancelFuturesEndsAnOpenStreamWithoutWaitingForItsConsumer() {
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> stream = executor.mapIter(CompletableFuture::completedFuture, endless(new AtomicInteger()),
        MapOptions.builder().window(3).build())) {
      Iterator<Integer> it = stream.iterator();
      assertEquals(0, it.next());
      executor.shutdown(false, true);
      Await.done(executor.termination());
      assertThrows(CancellationException.class, () -> {
        while (it.hasNext()) it.next(); // no silent end: the stream says it was cut short
      });
    }
    assertBalanced(executor);
  }

  @Test
  void interruptingAThreadBlockedInCloseEndsTheOpenStreamsItWaitsFor() throws InterruptedException {
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> stream = executor.mapIter(CompletableFuture::completedFuture, endless(new AtomicInteger()),
        MapOptions.builder().window(3).build())) {
      Iterator<Integer> it = stream.iterator();
      assertEquals(0, it.next());
      Thread closer = new Thread(executor::close, "tck-closer");
      closer.start();
      Await.until(() -> closer.getState() == Thread.State.WAITING || closer.getState() == Thread.State.TIMED_WAITING,
          () -> "close() waits for the open stream");
      assertFalse(executor.isTerminated());
      closer.interrupt();
      closer.join(Await.LIMIT.toMillis());
      assertFalse(closer.isAlive(), "close() returned once interrupted");
      assertTrue(executor.isTerminated());
      assertThrows(CancellationException.class, () -> {
        while (it.hasNext()) it.next();
      });
    }
    assertBalanced(executor);
  }

  @Test
  void anAbandonedStreamIsClosedOnceUnreachableSoTheExecutorTerminates() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    openAndAbandon(executor);
    executor.shutdown(false, false);
    long deadline = System.nanoTime() + Await.LIMIT.toNanos();
    while (!executor.isTerminated() && System.nanoTime() < deadline) {
      System.gc();
      try {
        executor.termination().get(50, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // collect again
      }
    }
    assertTrue(executor.isTerminated(), () -> "the abandoned stream was closed: " + executor.stats());
    assertBalanced(executor);
  }

  private static void openAndAbandon(AsyncExecutor executor) {
    Iterator<Integer> it = executor.mapIter(CompletableFuture::completedFuture, endless(new AtomicInteger()),
        MapOptions.builder().window(3).build()).iterator();
    assertEquals(0, it.next());
  }

  @Test
  void aStreamWhoseIteratorIsStillInUseIsNeverClosedByTheCollector() {
    AsyncExecutor executor = newExecutor(4);
    Iterator<Integer> it = executor.mapIter(CompletableFuture::completedFuture, range(50), MapOptions.builder().window(3).build()).iterator();
    for (int expected = 0; expected < 50; expected++) {
      if (expected % 10 == 0) System.gc(); // the stream object is unreachable; its iterator is not
      assertEquals(expected, it.next());
    }
    assertFalse(it.hasNext());
    assertBalanced(executor);
  }

  @Test
  void aHugeWindowCostsNothingUpFront() {
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> stream = executor.mapIter(CompletableFuture::completedFuture, range(5),
        MapOptions.builder().window(Integer.MAX_VALUE).build())) {
      assertEquals(List.of(0, 1, 2, 3, 4), stream.toList());
    }
    assertBalanced(executor);
  }

  @Test
  void batchesAreRefusedAfterShutdown() {
    AsyncExecutor executor = newExecutor(2);
    executor.shutdown(false, false);
    assertShutdownRejects(() -> executor.map(i -> CompletableFuture.completedFuture(i), range(3)));
    assertShutdownRejects(() -> executor.mapBlocking(i -> i, range(3)));
    assertShutdownRejects(() -> executor.mapIter(i -> CompletableFuture.completedFuture(i), range(3)));
    assertShutdownRejects(() -> executor.map((Integer a, Integer b) -> CompletableFuture.completedFuture(a), range(3), range(3)));
  }

  @Test
  void badBatchArgumentsAreRefusedAtTheCall() {
    AsyncExecutor executor = newExecutor(2);
    assertRejects(NullPointerException.class, "fn", () -> executor.map(null, range(3)));
    assertRejects(NullPointerException.class, "items", () -> executor.map(i -> null, null));
    assertRejects(NullPointerException.class, "items", () -> executor.mapIter(i -> null, null));
    assertRejects(IllegalArgumentException.class, "window", () -> MapOptions.builder().window(0));
    assertRejects(IllegalArgumentException.class, "timeout", () -> MapOptions.builder().timeout(Duration.ofMillis(-1)));
    List<Integer> none = new ArrayList<>();
    assertEquals(none, Await.value(executor.map(i -> null, none)));
  }

  @Test
  void aFailedItemsOwnExceptionFailsTheBatchAndSaysWhichItemItWas() {
    AsyncExecutor executor = newExecutor(2);
    IOException boom = new IOException("boom");
    List<String> input = List.of("a", "b", "the bad one", "d");
    Throwable failure = Await.failure(executor.map(s -> s.startsWith("the bad") ? CompletableFuture.failedFuture(boom)
        : CompletableFuture.completedFuture(s), input, MapOptions.builder().window(1).build()));
    assertSame(boom, failure, "the item's own exception, its type unchanged");
    FailedItem note = FailedItem.of(failure).orElseThrow(() -> new AssertionError("no FailedItem note on " + failure));
    assertEquals(2, note.index());
    assertEquals("the bad one", note.item());
    assertTrue(note.getMessage().contains("item 2"), note.getMessage());

    IllegalStateException blocked = new IllegalStateException("blocked");
    String longItem = "x".repeat(500);
    Throwable blockingFailure = Await.failure(executor.mapBlocking(s -> {
      if (s.length() > 100) throw blocked;
      return s;
    }, List.of("short", longItem)));
    assertSame(blocked, blockingFailure);
    FailedItem longNote = FailedItem.of(blockingFailure).orElseThrow();
    assertEquals(1, longNote.index());
    assertTrue(longNote.item().length() <= 80, "a short rendering: " + longNote.item().length() + " characters");
    assertEquals(Optional.of(longNote), FailedItem.of(new CompletionException(blockingFailure)), "found through a CompletionException");
  }

  @Test
  void aStreamsFailedItemSaysWhichItemItWasWithItsTypeUnchanged() {
    AsyncExecutor executor = newExecutor(2);
    IllegalStateException boom = new IllegalStateException("boom");
    List<String> input = new ArrayList<>();
    for (int i = 0; i < 20; i++) input.add(i == 13 ? "the bad one" : "item " + i);
    List<String> seen = new ArrayList<>();
    try (Stream<String> results = executor.mapIter(s -> s.startsWith("the bad") ? CompletableFuture.failedFuture(boom)
        : CompletableFuture.completedFuture(s), input, MapOptions.builder().window(3).build())) {
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> results.forEach(seen::add));
      assertSame(boom, thrown, "the item's own exception");
    }
    assertEquals(13, seen.size(), "the items before it");
    FailedItem note = FailedItem.of(boom).orElseThrow(() -> new AssertionError("no FailedItem note on " + boom));
    assertEquals(13, note.index());
    assertEquals("the bad one", note.item());

    IOException checked = new IOException("checked");
    try (Stream<Integer> results = executor.mapIter(i -> i == 2 ? CompletableFuture.failedFuture(checked)
        : CompletableFuture.completedFuture(i), List.of(0, 1, 2, 3))) {
      CompletionException thrown = assertThrows(CompletionException.class, () -> results.forEach(i -> { }));
      assertSame(checked, thrown.getCause(), "a checked exception wrapped, as the stream must");
      assertEquals(2, FailedItem.of(thrown).orElseThrow().index(), "found through the CompletionException");
    }
  }

  @Test
  void anExceptionThrownForEveryItemIsNotedOnceWhateverTheBatch() {
    AsyncExecutor executor = newExecutor(2);
    IOException same = new IOException("always this one");
    Await.failure(executor.map(i -> CompletableFuture.failedFuture(same), List.of(1, 2, 3)));
    Await.failure(executor.map(i -> CompletableFuture.failedFuture(same), List.of(4, 5)));
    assertEquals(1, Stream.of(same.getSuppressed()).filter(FailedItem.class::isInstance).count(), "one note, never two");
  }
}
