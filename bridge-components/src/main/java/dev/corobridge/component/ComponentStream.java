// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The output of a started {@link SyncStreamComponent}: the queue its producer fills, read as a pull
 * {@link Stream}, an {@link Iterator} or with futures ({@link #queue()}), and the producer's future.
 * {@link #close()} stops the producer (it is interrupted, or refused at its next put) and drops what
 * was not read. Read it from one consumer at a time.
 *
 * @param <O> the items
 */
public final class ComponentStream<O> implements AutoCloseable, Iterable<O> {
  private final BridgeQueue<O> queue;
  private final CompletableFuture<Void> producer;

  ComponentStream(BridgeQueue<O> queue, CompletableFuture<Void> producer) {
    this.queue = queue;
    this.producer = producer;
  }

  /**
   * The queue the producer fills: {@code takeAsync}, {@code takeBatch}, {@code forEachAsync} ...
   *
   * @return the queue
   */
  public BridgeQueue<O> queue() {
    return queue;
  }

  /**
   * Completes when the producer has finished: normally, with its failure, or cancelled by {@link #close()}.
   *
   * @return the producer's future
   */
  public CompletableFuture<Void> producer() {
    return producer;
  }

  /** Blocks for each item until the end; a producer failure is thrown as {@link java.util.concurrent.CompletionException}. */
  @Override
  public Iterator<O> iterator() {
    return queue.iterator();
  }

  /**
   * The items as a sequential pull stream; closing it stops the producer.
   *
   * @return the stream of the items
   */
  public Stream<O> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }

  /** Stops the producer and drops what was not read. Idempotent. */
  @Override
  public void close() {
    queue.closeExceptionally(new CancellationException("the stream was closed by its consumer"));
    producer.cancel(true);
  }
}
