// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.internal.Checks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A bounded queue between threads and async code: threads {@link #put} and {@link #take} and block,
 * async code {@link #putAsync} and {@link #takeAsync} and gets a future instead, on the same queue in
 * one FIFO order. {@link #close()} ends it after a drain: puts are refused from then on, takers get the
 * items still queued and then the end, which is {@code null} ({@code null} items are refused, so
 * {@code null} always means "ended"). {@link #closeExceptionally} ends it with a failure that takers
 * get, as a {@link CompletionException}, after the drain.
 *
 * <pre>{@code
 * BridgeQueue<Row> rows = new BridgeQueue<>(256);
 * executor.submitBlocking(() -> {            // a blocking producer
 *   try (rows) { for (Row r : jdbc) rows.put(r); }
 *   return null;
 * });
 * rows.forEachAsync(this::show);             // an async consumer, until the end
 * }</pre>
 *
 * <p>Items come out in the order they went in. Waiting async puts and takes are served in arrival
 * order, and ahead of threads that start waiting after them. Cancelling a waiting {@code takeAsync}
 * or {@code putAsync} future withdraws the request. Thread-safe; the lock is held only for
 * bookkeeping, futures complete after it is released.
 *
 * @param <T> the items
 */
public final class BridgeQueue<T> implements AutoCloseable, Iterable<T> {
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<T>> asyncTakers = new ArrayDeque<>();
  private final ArrayDeque<PendingPut<T>> asyncPutters = new ArrayDeque<>();
  private boolean closed;
  private Throwable failure;

  private record PendingPut<T>(T item, CompletableFuture<Void> done) {}

  /**
   * Creates an open queue holding at most {@code capacity} items.
   *
   * @param capacity the most items held at once, {@code >= 1}
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public BridgeQueue(int capacity) {
    this.capacity = Checks.atLeast(capacity, 1, "capacity");
  }

  // ------------------------------------------------------------------------------------------ putting

  /** Outcomes of {@link #admit}, besides a taker to hand the item to. */
  private static final Object CLOSED = new Object();
  private static final Object QUEUED = new Object();
  private static final Object FULL = new Object();

  /**
   * Decides, holding the lock, what becomes of a new item: refused (CLOSED), handed to the longest
   * waiting async taker (returned), queued (QUEUED) or no room yet (FULL). Waiting async puts keep
   * their turn: a new item does not pass them.
   */
  private Object admit(T item) {
    if (closed) return CLOSED;
    CompletableFuture<T> taker;
    while ((taker = asyncTakers.poll()) != null) {
      if (!taker.isDone()) return taker;
    }
    if (items.size() < capacity && asyncPutters.isEmpty()) {
      items.add(item);
      changed.signalAll();
      return QUEUED;
    }
    return FULL;
  }

  /**
   * Adds {@code item} if there is room now.
   *
   * @param item the item, not null
   * @return whether it was added; false if the queue is full
   * @throws IllegalStateException if the queue is closed
   */
  public boolean offer(T item) {
    Checks.notNull(item, "item");
    while (true) {
      Object outcome;
      lock.lock();
      try {
        outcome = admit(item);
      } finally {
        lock.unlock();
      }
      if (outcome == CLOSED) throw closedException();
      if (outcome == FULL) return false;
      if (outcome == QUEUED || handOver(outcome, item)) return true;
    }
  }

  /**
   * Adds {@code item}, waiting for room.
   *
   * @param item the item, not null
   * @throws IllegalStateException if the queue is closed, also while waiting
   * @throws InterruptedException  if interrupted while waiting
   */
  public void put(T item) throws InterruptedException {
    Checks.notNull(item, "item");
    while (true) {
      Object outcome;
      lock.lockInterruptibly();
      try {
        while ((outcome = admit(item)) == FULL) {
          changed.await();
        }
      } finally {
        lock.unlock();
      }
      if (outcome == CLOSED) throw closedException();
      if (outcome == QUEUED || handOver(outcome, item)) return;
    }
  }

  /**
   * Adds {@code item} as soon as there is room; the future completes then, or fails with
   * {@link IllegalStateException} if the queue is closed first. Cancelling it while it waits withdraws
   * the item.
   *
   * @param item the item, not null
   * @return a future that completes when the item is in the queue
   * @throws NullPointerException if {@code item} is null
   */
  public CompletableFuture<Void> putAsync(T item) {
    Checks.notNull(item, "item");
    CompletableFuture<Void> done = new CompletableFuture<>();
    while (true) {
      Object outcome;
      lock.lock();
      try {
        outcome = admit(item);
        if (outcome == FULL) asyncPutters.add(new PendingPut<>(item, done));
      } finally {
        lock.unlock();
      }
      if (outcome == FULL) return done;
      if (outcome == CLOSED) {
        done.completeExceptionally(closedException());
        return done;
      }
      if (outcome == QUEUED || handOver(outcome, item)) {
        done.complete(null);
        return done;
      }
    }
  }

  /** Completes a taker with the item; false if it withdrew in the meantime (the caller tries again). */
  @SuppressWarnings("unchecked")
  private boolean handOver(Object taker, T item) {
    return ((CompletableFuture<T>) taker).complete(item);
  }

  // ------------------------------------------------------------------------------------------ taking

  /**
   * Removes and returns the next item if there is one now; {@code null} if the queue is empty (or ended).
   *
   * @return the next item, or {@code null}
   */
  public @Nullable T poll() {
    T item;
    lock.lock();
    try {
      item = items.poll();
      if (item == null) return null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    admitWaitingPuts();
    return item;
  }

  /**
   * Removes and returns the next item, waiting for one; {@code null} once the queue is closed and
   * drained.
   *
   * @return the next item, or {@code null} once the queue is closed and drained
   * @throws CompletionException  with the failure, once drained, if it was closed exceptionally
   * @throws InterruptedException if interrupted while waiting
   */
  public @Nullable T take() throws InterruptedException {
    lock.lockInterruptibly();
    T item;
    try {
      while ((item = items.poll()) == null && !closed) {
        changed.await();
      }
      if (item == null) return end();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    admitWaitingPuts();
    return item;
  }

  /**
   * A future of the next item: completes with it as soon as there is one, or with {@code null} once the
   * queue is closed and drained (exceptionally if it was closed exceptionally). Cancelling it withdraws
   * the request.
   *
   * @return the future of the next item, or of {@code null} at the end
   */
  public CompletableFuture<@Nullable T> takeAsync() {
    CompletableFuture<T> next = new CompletableFuture<>();
    T item;
    boolean ended = false;
    lock.lock();
    try {
      item = items.poll();
      if (item != null) {
        changed.signalAll();
      } else if (closed) {
        ended = true;
      } else {
        asyncTakers.add(next);
      }
    } finally {
      lock.unlock();
    }
    if (item != null) {
      next.complete(item);
      admitWaitingPuts();
    } else if (ended) {
      completeWithEnd(next);
    } else {
      serveTakers(); // an item may have been admitted while this taker registered
    }
    return next;
  }

  /**
   * Removes up to {@code max} items, waiting for at least one; an empty list once the queue is closed
   * and drained.
   *
   * @param max the most items to take, {@code >= 1}
   * @return the items taken, in order
   * @throws IllegalArgumentException if {@code max < 1}
   * @throws CompletionException      with the failure, once drained, if it was closed exceptionally
   * @throws InterruptedException     if interrupted while waiting
   */
  public List<T> takeBatch(int max) throws InterruptedException {
    Checks.atLeast(max, 1, "max");
    return batchStartingWith(take(), max);
  }

  /**
   * Like {@link #takeBatch(int)} for async code: a future of up to {@code max} items, empty at the end.
   *
   * @param max the most items to take, {@code >= 1}
   * @return the future of the items taken, in order
   */
  public CompletableFuture<List<T>> takeBatchAsync(int max) {
    Checks.atLeast(max, 1, "max");
    return takeAsync().thenApply(first -> batchStartingWith(first, max));
  }

  /** {@code first} and the items queued now, up to {@code max}; empty if {@code first} is the end. */
  private List<T> batchStartingWith(T first, int max) {
    if (first == null) return List.of();
    List<T> batch = new ArrayList<>(Math.min(max, capacity));
    batch.add(first);
    T next;
    while (batch.size() < max && (next = poll()) != null) {
      batch.add(next);
    }
    return batch;
  }

  /** Takes every item until the end, on a blocking thread. Iterating waits for items; the iterator's {@code next} rethrows a failure. */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        if (next != null) return true;
        try {
          next = take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CompletionException(e);
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException("the queue has ended");
        T item = next;
        next = null;
        return item;
      }
    };
  }

  /**
   * Hands every item to {@code action}, without blocking a thread, until the end; the future completes
   * then (exceptionally with the queue's failure, or with what {@code action} threw, which stops it).
   *
   * @param action receives each item in order
   * @return a future that completes at the end of the queue
   */
  public CompletableFuture<Void> forEachAsync(Consumer<? super T> action) {
    Checks.notNull(action, "action");
    CompletableFuture<Void> done = new CompletableFuture<>();
    pump(action, done);
    return done;
  }

  private void pump(Consumer<? super T> action, CompletableFuture<Void> done) {
    while (!done.isDone()) {
      CompletableFuture<T> next = takeAsync();
      if (!next.isDone()) {
        next.whenComplete((item, error) -> {
          if (deliver(item, error, action, done)) pump(action, done);
        });
        return;
      }
      if (!deliver(next.getNow(null), next.isCompletedExceptionally() ? failureOf(next) : null, action, done)) return;
    }
  }

  private static <T> boolean deliver(T item, Throwable error, Consumer<? super T> action, CompletableFuture<Void> done) {
    if (error != null) {
      done.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
      return false;
    }
    if (item == null) {
      done.complete(null);
      return false;
    }
    try {
      action.accept(item);
      return true;
    } catch (Throwable e) {
      done.completeExceptionally(e);
      return false;
    }
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  // ------------------------------------------------------------------------------------------ ending

  /** Ends the queue after a drain: no more puts; takers get what is queued, then the end. Idempotent. */
  @Override
  public void close() {
    end(null);
  }

  /**
   * Like {@link #close()}, and takers get {@code failure} after the drain instead of the end.
   *
   * @param failure what the consumers get once they have drained the queue
   */
  public void closeExceptionally(Throwable failure) {
    end(Checks.notNull(failure, "failure"));
  }

  private void end(Throwable cause) {
    List<CompletableFuture<T>> takers;
    List<PendingPut<T>> putters;
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      failure = cause;
      takers = new ArrayList<>(asyncTakers);
      asyncTakers.clear();
      putters = new ArrayList<>(asyncPutters);
      asyncPutters.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    takers.forEach(this::completeWithEnd);
    putters.forEach(put -> put.done().completeExceptionally(closedException()));
  }

  /**
   * Whether {@link #close()} or {@link #closeExceptionally} was called.
   *
   * @return whether the queue is closed
   */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many items are queued now.
   *
   * @return the items held now
   */
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The most items it holds.
   *
   * @return the most items held at once
   */
  public int capacity() {
    return capacity;
  }

  // ------------------------------------------------------------------------------------------ internals

  /**
   * Restores the invariants after items left: async puts waiting for room are admitted in order, and
   * queued items go to async takers that are waiting (which happens when a taker registered while a
   * put was being admitted).
   */
  private void admitWaitingPuts() {
    admitPuts();
    serveTakers();
  }

  private void admitPuts() {
    while (true) {
      PendingPut<T> admitted;
      lock.lock();
      try {
        if (asyncPutters.isEmpty() || items.size() >= capacity) return;
        admitted = asyncPutters.poll();
        if (admitted.done().isDone()) continue; // withdrawn
        items.add(admitted.item());
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      admitted.done().complete(null); // a cancel that comes after admission is too late: the item is queued
    }
  }

  private void serveTakers() {
    while (true) {
      T item;
      CompletableFuture<T> taker;
      lock.lock();
      try {
        while ((taker = asyncTakers.peek()) != null && taker.isDone()) {
          asyncTakers.poll(); // withdrawn
        }
        if (taker == null || items.isEmpty()) return;
        asyncTakers.poll();
        item = items.poll();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (!taker.complete(item)) {
        lock.lock();
        try {
          items.addFirst(item); // the taker withdrew in the instant since the check: the item stays first
        } finally {
          lock.unlock();
        }
      } else {
        admitPuts();
      }
    }
  }

  private T end() {
    if (failure != null) throw new CompletionException(failure);
    return null;
  }

  private void completeWithEnd(CompletableFuture<T> taker) {
    if (failure != null) {
      taker.completeExceptionally(failure);
    } else {
      taker.complete(null);
    }
  }

  private void ensureOpen() {
    if (closed) throw closedException();
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("the queue is closed: it takes no more items");
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "BridgeQueue[" + items.size() + "/" + capacity + (closed ? ", closed" : "") + ", waiting takers=" + asyncTakers.size()
          + ", waiting puts=" + asyncPutters.size() + "]";
    } finally {
      lock.unlock();
    }
  }
}
