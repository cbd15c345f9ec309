// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.internal.Checks;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * The base of a streaming component whose producer blocks (rows from JDBC, lines from a file):
 * implement {@link #generate(Object)}; consumers get a {@link ComponentStream} to read from either
 * side: a pull {@code Stream} or {@code Iterator} for threads, futures for async code, a {@code Flow}
 * for Kotlin ({@code asFlow()}).
 *
 * <p>{@link #start} starts the producer at once on a blocking worker of the executor, filling a bounded
 * {@link BridgeQueue} of {@link #bufferSize()} items; it waits while the queue is full. Starting
 * eagerly matters: a producer started lazily by its first consumer deadlocks when that consumer
 * waits for something the producer must do first. The stream ends when the iterator ends (an
 * {@code AutoCloseable} iterator is closed), fails after the items already produced when
 * {@code generate} or the iterator throws, and closing it early stops the producer.
 *
 * @param <I> the input
 * @param <O> the items produced
 */
public abstract class SyncStreamComponent<I extends @Nullable Object, O> {
  /** For subclasses. */
  protected SyncStreamComponent() {}

  /**
   * Produces the items for {@code input}, blocking as it likes; runs on a blocking worker.
   *
   * @param input the input
   * @return the iterator of the items
   * @throws Exception a failure of the component
   */
  protected abstract Iterator<O> generate(I input) throws Exception;

  /**
   * How many produced items may wait for the consumer; 64 unless overridden.
   *
   * @return the capacity of the queue between producer and consumer
   */
  protected int bufferSize() {
    return 64;
  }

  /**
   * A name for reports and logs: the class's simple name unless overridden.
   *
   * @return the name
   */
  public String name() {
    return getClass().getSimpleName();
  }

  /**
   * Starts producing for {@code input} now, on a blocking worker of {@code executor}.
   *
   * @param executor the executor the producer runs on
   * @param input the input
   * @return the stream of the items
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
   */
  public final ComponentStream<O> start(AsyncExecutor executor, I input) {
    Checks.notNull(executor, "executor");
    BridgeQueue<O> queue = new BridgeQueue<>(Checks.atLeast(bufferSize(), 1, "bufferSize()"));
    return new ComponentStream<>(queue, executor.submitBlocking(() -> {
      produce(input, queue);
      return null;
    }));
  }

  private void produce(I input, BridgeQueue<O> queue) throws Exception {
    Iterator<O> items = null;
    try {
      items = generate(input);
      while (items.hasNext()) {
        queue.put(items.next());
      }
      queue.close();
    } catch (Throwable failure) {
      if (!queue.isClosed()) {
        queue.closeExceptionally(failure);
        throw failure;
      } // else the consumer closed the stream: stopping is the point
    } finally {
      if (items instanceof AutoCloseable closeable) closeable.close();
    }
  }
}
