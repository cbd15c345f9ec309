// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ComponentStreamTest {
  /** Counts from 0 to the input, blocking a little per item; records when it started and whether it was closed. */
  static final class Counter extends SyncStreamComponent<Integer, Integer> {
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    protected Iterator<Integer> generate(Integer upTo) {
      started.countDown();
      Iterator<Integer> numbers = IntStream.range(0, upTo).iterator();
      return new CloseableIterator(numbers, closed);
    }

    @Override
    protected int bufferSize() {
      return 4;
    }
  }

  record CloseableIterator(Iterator<Integer> numbers, AtomicBoolean closed) implements Iterator<Integer>, AutoCloseable {
    @Override public boolean hasNext() {
      return numbers.hasNext();
    }

    @Override public Integer next() {
      return numbers.next();
    }

    @Override public void close() {
      closed.set(true);
    }
  }

  @Test
  void theProducerStartsAtOnceBeforeAnyoneReads() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      Counter counter = new Counter();
      try (ComponentStream<Integer> stream = counter.start(executor, 10)) {
        assertTrue(counter.started.await(20, TimeUnit.SECONDS), "started without a reader");
        assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toList()), stream.stream().collect(Collectors.toList()));
        stream.producer().get(20, TimeUnit.SECONDS);
        assertTrue(counter.closed.get(), "the iterator was closed at the end");
      }
    }
  }

  @Test
  void closingEarlyStopsTheProducer() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      Counter counter = new Counter();
      ComponentStream<Integer> stream = counter.start(executor, Integer.MAX_VALUE);
      assertEquals(List.of(0, 1, 2), stream.stream().limit(3).collect(Collectors.toList()));
      stream.close();
      assertTrue(stream.producer().isDone() || awaitDone(stream), "the producer stopped");
      executor.close(); // would hang if the producer kept a worker
      assertTrue(counter.closed.get());
    }
  }

  private static boolean awaitDone(ComponentStream<?> stream) throws Exception {
    try {
      stream.producer().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException stopped) {
      // cancelled: what close() does
    }
    return stream.producer().isDone();
  }

  @Test
  void aFailingProducerEndsTheStreamWithItsFailureAfterWhatItProduced() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      IOException failure = new IOException("disk");
      SyncStreamComponent<String, String> lines = new SyncStreamComponent<>() {
        @Override
        protected Iterator<String> generate(String file) {
          return new Iterator<>() {
            int n;

            @Override public boolean hasNext() {
              return true;
            }

            @Override public String next() {
              if (n == 2) throw new UncheckedIOException(failure);
              return "line " + n++;
            }
          };
        }
      };
      try (ComponentStream<String> stream = lines.start(executor, "f")) {
        Iterator<String> it = stream.iterator();
        assertEquals("line 0", it.next());
        assertEquals("line 1", it.next());
        CompletionException e = assertThrows(CompletionException.class, it::hasNext);
        assertSame(failure, e.getCause().getCause(), "the producer's own exception, after the items before it");
      }
    }
  }
}
