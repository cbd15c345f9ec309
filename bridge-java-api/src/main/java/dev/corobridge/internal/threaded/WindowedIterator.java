// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.AsyncFunction;
import dev.corobridge.MapOptions;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.ProgressTracker;
import dev.corobridge.internal.StreamCleaner;
import dev.corobridge.internal.Timed;
import dev.corobridge.spi.ContextPropagation;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The results of one {@code mapIter}, in input order: a sliding window of item tasks that is
 * topped up from the input each time the consumer asks for the next result, so at most
 * {@code window} items are in flight or waiting to be consumed and the input is pulled no faster
 * than results are taken. Closing it (or reaching the end, or a failed item) cancels what is in
 * flight. From the call until it is closed or exhausted it is one unit in flight of the executor.
 * An input that throws ends the results with its exception after the items pulled before it; the
 * batch timeout cancels what is in flight and ends them with a {@link TimeoutException} at once.
 *
 * <p>What closing needs lives in a {@link Window} of its own, which nothing of the consumer's side
 * reaches back to: the executor keeps its open windows (a shutdown with {@code cancelFutures} cuts them
 * short, and the stream then throws {@link CancellationException}), and once the consumer can no longer
 * reach this iterator, {@link StreamCleaner} closes its window.
 */
final class WindowedIterator<A, R> implements Iterator<R> {
  private final AsyncFunction<? super A, ? extends R> fn;
  private final Iterator<? extends A> items;
  private final MapOptions options;
  private final int limit;
  private final ContextPropagation.Snapshot context = ContextPropagation.capture();
  private final Window window;
  private final Cleaner.Cleanable cleanable;
  private boolean exhausted;
  private Throwable inputFailure; // unchecked: what the input's iterator threw
  /** The items in the window, oldest first (null as {@link #NULL}), to name one that failed; consumer only. */
  private final ArrayDeque<Object> itemsInWindow = new ArrayDeque<>();
  private long consumed; // the index of the next result
  private static final Object NULL = new Object();

  WindowedIterator(ThreadedExecutor executor, AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> input, MapOptions options) {
    this.fn = fn;
    this.items = input.iterator();
    this.options = options;
    this.limit = options.window().orElse(executor.maxWorkers());
    if (!options.choosesPerItem()) executor.permitsFor(options.task()); // an unknown lane is refused at the call
    Window w = new Window(executor, ProgressTracker.of(options, input instanceof Collection<?> c ? c.size() : -1, executor::report));
    this.window = w;
    executor.enter(true);
    executor.streamOpened(w);
    w.timer = options.timeout().map(timeout -> executor.host.schedule(() -> {
      w.timedOut = new TimeoutException("mapIter did not finish within " + timeout);
      w.close();
    }, Checks.saturatedNanos(timeout))).orElse(null);
    cleanable = StreamCleaner.register(this, w);
  }

  @Override
  public boolean hasNext() {
    if (window.closed.get()) {
      window.failIfEndedFromOutside();
      return false;
    }
    fill();
    if (window.size() == 0) {
      close();
      if (inputFailure != null) throw unchecked(inputFailure);
      return false;
    }
    return true;
  }

  @Override
  public R next() {
    if (!hasNext()) throw new NoSuchElementException();
    CompletableFuture<?> head = window.head(); // stays in the window while awaited, so that close() reaches it
    if (head == null) { // closed from outside meanwhile
      window.failIfEndedFromOutside();
      throw new NoSuchElementException();
    }
    try {
      window.executor.host.awaitDone(head);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the next result");
    }
    window.remove(head); // the head, unless close() emptied the window meanwhile
    Object item = itemsInWindow.poll();
    long index = consumed++;
    try {
      @SuppressWarnings("unchecked") R value = (R) head.join();
      return value;
    } catch (CompletionException | CancellationException e) {
      close();
      window.failIfEndedFromOutside();
      if (e instanceof CancellationException) throw e;
      Throwable failure = Failures.unwrap(e);
      Failures.attachFailedItem(failure, index, item == NULL ? null : item);
      throw unchecked(failure);
    }
  }

  /** The failure to throw to the consumer: itself if unchecked, else wrapped in a CompletionException. */
  private static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException r) return r;
    if (failure instanceof Error err) throw err;
    return new CompletionException(failure);
  }

  private void fill() {
    AsyncFunction<? super A, ? extends R> f = fn; // the tasks must not reach this iterator (see StreamCleaner)
    while (!exhausted && window.size() < limit) {
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
      CompletableFuture<R> result;
      try {
        result = window.executor.accept(ThreadedTask.Kind.ASYNC, context.wrap(() -> f.apply(item)), options.taskFor(item), true);
      } catch (RuntimeException badOptions) { // the chooser threw, returned null or named an unknown lane
        result = CompletableFuture.failedFuture(badOptions);
      }
      if (window.progress != null) window.progress.track(result);
      if (!window.add(result)) {
        result.cancel(true); // closed from outside while it was being started
        return;
      }
      itemsInWindow.add(item == null ? NULL : item);
    }
  }

  /** Stops pulling and cancels the items in flight. Idempotent; may be called from any thread. */
  void close() {
    exhausted = true;
    cleanable.clean(); // runs window.close() once, here or never again
  }

  /** What closing the stream needs: the items in flight and the executor's count. Reaches no consumer state. */
  static final class Window implements Runnable {
    final ThreadedExecutor executor;
    final @Nullable ProgressTracker progress;
    private final ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile TimeoutException timedOut;
    volatile CancellationException cutShort;
    volatile Timed timer;

    Window(ThreadedExecutor executor, @Nullable ProgressTracker progress) {
      this.executor = executor;
      this.progress = progress;
    }

    synchronized int size() {
      return inFlight.size();
    }

    synchronized CompletableFuture<?> head() {
      return inFlight.peek();
    }

    synchronized void remove(CompletableFuture<?> item) {
      inFlight.remove(item);
    }

    /** Adds a started item, unless the window was closed: then the caller cancels it. */
    synchronized boolean add(CompletableFuture<?> item) {
      if (closed.get()) return false;
      inFlight.add(item);
      return true;
    }

    /** Throws what ended the stream from outside (its timeout, a shutdown), if anything did. */
    void failIfEndedFromOutside() {
      CancellationException cut = cutShort;
      if (cut != null) throw cut;
      TimeoutException timeout = timedOut;
      if (timeout != null) throw new CompletionException(timeout);
    }

    /** A shutdown with cancelFutures ends the stream; its consumer learns why at its next call. */
    void cutShort(CancellationException why) {
      cutShort = why;
      close();
    }

    /** The cleaner's action: the consumer can no longer reach the stream. */
    @Override
    public void run() {
      close();
    }

    void close() {
      if (!closed.compareAndSet(false, true)) return;
      Timed t = timer;
      if (t != null) t.cancel();
      CompletableFuture<?>[] cancel;
      synchronized (this) {
        cancel = inFlight.toArray(new CompletableFuture<?>[0]);
        inFlight.clear();
      }
      for (CompletableFuture<?> item : cancel) {
        item.cancel(true);
      }
      if (progress != null) progress.finish();
      executor.streamClosed(this);
      executor.exit();
    }
  }
}
