// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BridgeQueueTest {

  @Test
  void itemsComeOutInTheOrderTheyWentInWhicheverSideMovesThem() throws Exception {
    BridgeQueue<Integer> queue = new BridgeQueue<>(10);
    queue.put(1);
    queue.putAsync(2).join();
    assertTrue(queue.offer(3));
    assertEquals(1, queue.take());
    assertEquals(2, queue.takeAsync().join());
    assertEquals(3, queue.poll());
    assertNull(queue.poll(), "empty");
  }

  @Test
  void aFullQueueMakesPutsWaitAndATakeLetsTheFirstOneIn() throws Exception {
    BridgeQueue<String> queue = new BridgeQueue<>(1);
    queue.put("a");
    assertFalse(queue.offer("x"), "no room");
    CompletableFuture<Void> b = queue.putAsync("b");
    CompletableFuture<Void> c = queue.putAsync("c");
    assertFalse(b.isDone());
    assertEquals("a", queue.take());
    assertTrue(b.isDone(), "b was admitted as a left");
    assertFalse(c.isDone());
    assertEquals(List.of("b", "c"), queue.takeBatch(5), "c was admitted as b left, in time for the batch");
    assertTrue(c.isDone());
    assertNull(queue.poll());
  }

  @Test
  void aWaitingAsyncTakerGetsTheNextItemDirectly() {
    BridgeQueue<String> queue = new BridgeQueue<>(1);
    CompletableFuture<String> first = queue.takeAsync();
    CompletableFuture<String> second = queue.takeAsync();
    assertTrue(queue.offer("x"));
    assertTrue(queue.offer("y"));
    assertEquals("x", first.join());
    assertEquals("y", second.join());
    assertEquals(0, queue.size());
  }

  @Test
  void aCancelledTakeAsyncWithdrawsAndLosesNothing() {
    BridgeQueue<String> queue = new BridgeQueue<>(2);
    CompletableFuture<String> withdrawn = queue.takeAsync();
    CompletableFuture<String> waiting = queue.takeAsync();
    withdrawn.cancel(true);
    assertTrue(queue.offer("x"));
    assertEquals("x", waiting.join());
    assertTrue(queue.offer("y"));
    assertEquals("y", queue.poll(), "the withdrawn taker took nothing");
  }

  @Test
  void closeDrainsThenEndsForEveryKindOfTaker() throws Exception {
    BridgeQueue<Integer> queue = new BridgeQueue<>(4);
    queue.put(1);
    queue.put(2);
    queue.close();
    queue.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> queue.put(3));
    assertThrows(IllegalStateException.class, () -> queue.offer(3));
    assertTrue(queue.putAsync(3).isCompletedExceptionally());
    assertEquals(1, queue.take());
    assertEquals(2, queue.takeAsync().join());
    assertNull(queue.take(), "the end");
    assertNull(queue.takeAsync().join(), "the end");
    assertEquals(List.of(), queue.takeBatch(3));
  }

  @Test
  void closeEndsTakersThatAreAlreadyWaitingAndRefusesWaitingPuts() throws Exception {
    BridgeQueue<Integer> empty = new BridgeQueue<>(1);
    CompletableFuture<Integer> taker = empty.takeAsync();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> blocked = thread.submit(empty::take);
      empty.close();
      assertNull(taker.join());
      assertNull(blocked.get(20, TimeUnit.SECONDS));
    } finally {
      thread.shutdown();
    }
    BridgeQueue<Integer> full = new BridgeQueue<>(1);
    full.put(1);
    CompletableFuture<Void> waitingPut = full.putAsync(2);
    full.close();
    assertTrue(waitingPut.isCompletedExceptionally());
    assertEquals(1, full.poll(), "what was queued is still drained");
  }

  @Test
  void closeExceptionallyHandsTheFailureToTakersAfterTheDrain() throws Exception {
    BridgeQueue<Integer> queue = new BridgeQueue<>(2);
    queue.put(1);
    IOException failure = new IOException("producer failed");
    queue.closeExceptionally(failure);
    assertEquals(1, queue.take());
    assertSame(failure, assertThrows(CompletionException.class, queue::take).getCause());
    assertSame(failure, assertThrows(CompletionException.class, () -> queue.takeAsync().join()).getCause());
  }

  @Test
  void iterationFromEitherSideRunsUntilTheEnd() throws Exception {
    BridgeQueue<Integer> queue = new BridgeQueue<>(2);
    List<Integer> async = new ArrayList<>();
    CompletableFuture<Void> consumed = queue.forEachAsync(async::add);
    for (int i = 0; i < 10; i++) queue.put(i);
    queue.close();
    consumed.get(20, TimeUnit.SECONDS);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), async);

    BridgeQueue<Integer> blocking = new BridgeQueue<>(3);
    CompletableFuture.runAsync(() -> {
      try (blocking) {
        for (int i = 0; i < 5; i++) blocking.put(i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<Integer> seen = new ArrayList<>();
    for (int item : blocking) seen.add(item);
    assertEquals(List.of(0, 1, 2, 3, 4), seen);
  }

  @Test
  void badArgumentsAreRefusedNamingTheParameter() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new BridgeQueue<>(0)).getMessage().contains("capacity"));
    BridgeQueue<String> queue = new BridgeQueue<>(1);
    assertTrue(assertThrows(NullPointerException.class, () -> queue.offer(null)).getMessage().contains("item"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> queue.takeBatch(0)).getMessage().contains("max"));
  }

  @Test
  void concurrentProducersAndConsumersOfBothKindsLoseAndDuplicateNothing() throws Exception {
    int producers = 4;
    int perProducer = 5_000;
    BridgeQueue<Integer> queue = new BridgeQueue<>(8);
    ExecutorService threads = Executors.newFixedThreadPool(producers + 2);
    ConcurrentHashMap<Integer, Integer> seen = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    try {
      List<Future<?>> producing = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        producing.add(threads.submit(() -> {
          SplittableRandom random = new SplittableRandom(base);
          for (int i = 0; i < perProducer; i++) {
            int item = base + i;
            switch (random.nextInt(3)) {
              case 0 -> queue.put(item);
              case 1 -> queue.putAsync(item).join();
              default -> {
                while (!queue.offer(item)) Thread.onSpinWait();
              }
            }
          }
          return null;
        }));
      }
      List<Future<?>> consuming = new ArrayList<>();
      consuming.add(threads.submit(() -> {
        Integer item;
        while ((item = queue.take()) != null) {
          if (seen.put(item, item) != null) duplicates.incrementAndGet();
        }
        return null;
      }));
      consuming.add(threads.submit(() -> {
        List<Integer> batch;
        while (!(batch = queue.takeBatch(5)).isEmpty()) {
          for (Integer item : batch) if (seen.put(item, item) != null) duplicates.incrementAndGet();
        }
        return null;
      }));
      CompletableFuture<Void> asyncConsumer = queue.forEachAsync(item -> {
        if (seen.put(item, item) != null) duplicates.incrementAndGet();
      });
      for (Future<?> f : producing) f.get(60, TimeUnit.SECONDS);
      queue.close();
      for (Future<?> f : consuming) f.get(60, TimeUnit.SECONDS);
      asyncConsumer.get(60, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertEquals(0, duplicates.get(), "no item taken twice");
    assertEquals(producers * perProducer, seen.size(), "every item taken");
  }
}
