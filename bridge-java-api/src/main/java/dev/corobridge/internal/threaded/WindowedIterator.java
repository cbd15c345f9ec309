// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.AsyncFunction;
import dev.corobridge.MapOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import dev.corobridge.spi.ContextPropagation;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The results of one {@code mapIter}, in input order: a sliding window of item tasks that is
 * topped up from the input each time the consumer asks for the next result, so at most
 * {@code window} items are in flight or waiting to be consumed and the input is pulled no faster
 * than results are taken. Closing it (or reaching the end, or a failed item) cancels what is in
 * flight. From the call until it is closed or exhausted it is one unit in flight of the executor.
 * An input that throws ends the results with its exception after the items pulled before it; the
 * batch timeout cancels what is in flight and ends them with a {@link TimeoutException} at once.
 */
final class WindowedIterator<A, R> implements Iterator<R> {
  private final ThreadedExecutor executor;
  private final AsyncFunction<? super A, ? extends R> fn;
  private final Iterator<? extends A> items;
  private final TaskOptions itemOptions;
  private final int window;
  private final ContextPropagation.Snapshot context = ContextPropagation.capture();
  private final ArrayDeque<CompletableFuture<R>> inFlight = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean exhausted;
  private Throwable inputFailure; // unchecked: what the input's iterator threw
  private volatile TimeoutException timedOut;
  private final Host.Timed timer;

  WindowedIterator(ThreadedExecutor executor, AsyncFunction<? super A, ? extends R> fn, Iterator<? extends A> items, MapOptions options) {
    this.executor = executor;
    this.fn = fn;
    this.items = items;
    this.itemOptions = options.task();
    this.window = options.window().orElse(executor.maxWorkers());
    executor.permitsFor(itemOptions); // an unknown lane is refused at the call
    executor.enter(true);
    timer = options.timeout().map(timeout -> executor.host.schedule(() -> {
      timedOut = new TimeoutException("mapIter did not finish within " + timeout);
      close();
    }, Checks.saturatedNanos(timeout))).orElse(null);
  }

  @Override
  public boolean hasNext() {
    if (closed.get()) {
      failIfTimedOut();
      return false;
    }
    fill();
    if (size() == 0) {
      close();
      if (inputFailure != null) throw unchecked(inputFailure);
      return false;
    }
    return true;
  }

  @Override
  public R next() {
    if (!hasNext()) throw new NoSuchElementException();
    CompletableFuture<R> head;
    synchronized (inFlight) {
      head = inFlight.peek(); // stays in the window while awaited, so that close() reaches it
    }
    try {
      executor.host.awaitDone(head);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the next result");
    }
    synchronized (inFlight) {
      inFlight.remove(head); // the head, unless close() emptied the window meanwhile
    }
    try {
      return head.join();
    } catch (CompletionException | CancellationException e) {
      close();
      failIfTimedOut();
      throw unchecked(e instanceof CompletionException ? Failures.unwrap(e) : e);
    }
  }

  private void failIfTimedOut() {
    TimeoutException timeout = timedOut;
    if (timeout != null) throw new CompletionException(timeout);
  }

  /** The failure to throw to the consumer: itself if unchecked, else wrapped in a CompletionException. */
  private static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException r) return r;
    if (failure instanceof Error err) throw err;
    return new CompletionException(failure);
  }

  private void fill() {
    while (!exhausted && size() < window) {
      A item;
      try {
        if (!items.hasNext()) {
          exhausted = true;
          return;
        }
        item = items.next();
      } catch (RuntimeException | Error e) {
        inputFailure = e; // reported once the items before it are consumed
        exhausted = true;
        return;
      }
      CompletableFuture<R> result = executor.accept(ThreadedTask.Kind.ASYNC, context.wrap(() -> fn.apply(item)), itemOptions, true);
      synchronized (inFlight) {
        inFlight.add(result);
      }
    }
  }

  private int size() {
    synchronized (inFlight) {
      return inFlight.size();
    }
  }

  /** Stops pulling and cancels the items in flight. Idempotent; may be called from any thread. */
  void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (timer != null) timer.cancel();
    exhausted = true;
    CompletableFuture<?>[] cancel;
    synchronized (inFlight) {
      cancel = inFlight.toArray(new CompletableFuture<?>[0]);
      inFlight.clear();
    }
    for (CompletableFuture<?> item : cancel) {
      item.cancel(true);
    }
    executor.exit();
  }
}
