// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.FailedItem;
import dev.corobridge.MapOptions;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.ProgressTracker;
import dev.corobridge.internal.Timed;
import dev.corobridge.spi.ContextPropagation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One {@code map} or {@code mapBlocking} batch: items are pulled from the input as earlier ones
 * finish, at most {@code window} in flight, each an item task of the executor; results are kept in
 * input order. The first failure completes the batch with that exception and cancels the items in
 * flight, as does completing the batch from outside (cancel, timeout). The batch is one unit in flight
 * of the executor from the call until its last item has stopped.
 */
final class OrderedMap<A, R> {
  /** A map function of either kind, as the item task's body calls it. */
  interface ItemFunction<A> {
    Object apply(A item) throws Exception;
  }

  private final ThreadedExecutor executor;
  private final ThreadedTask.Kind kind;
  private final ItemFunction<A> fn;
  private final MapOptions options;
  private final int window;
  private final ContextPropagation.Snapshot context = ContextPropagation.capture();
  private final CompletableFuture<List<R>> result = new CompletableFuture<>();
  private final @Nullable ProgressTracker progress;

  // Guarded by this.
  private final Iterator<? extends A> items;
  private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
  private int active; // items pulled and not yet finished, including one being accepted
  private Object[] results = new Object[16];
  private int pulled;
  private boolean exhausted;
  private boolean exited;
  private Throwable failure; // the first item or input failure: once set, no list of values completes the batch

  private OrderedMap(ThreadedExecutor executor, ThreadedTask.Kind kind, ItemFunction<A> fn, List<? extends A> items, MapOptions options) {
    this.executor = executor;
    this.kind = kind;
    this.fn = fn;
    this.items = items.iterator();
    this.options = options;
    this.window = options.window().orElse(executor.maxWorkers());
    this.progress = ProgressTracker.of(options, items.size(), executor::report);
  }

  static <A, R> CompletableFuture<List<R>> start(ThreadedExecutor executor, ThreadedTask.Kind kind, ItemFunction<? super A> fn,
                                                 List<? extends A> items, MapOptions options) {
    @SuppressWarnings("unchecked")
    OrderedMap<A, R> batch = new OrderedMap<>(executor, kind, (ItemFunction<A>) fn, items, options);
    if (!options.choosesPerItem()) executor.permitsFor(options.task()); // an unknown lane is refused at the call
    executor.enter(true);
    batch.result.whenComplete((v, e) -> batch.stop());
    options.timeout().ifPresent(timeout -> {
      Timed timed = executor.host.schedule(
          () -> batch.result.completeExceptionally(new TimeoutException("map did not finish within " + timeout)), Checks.saturatedNanos(timeout));
      batch.result.whenComplete((v, e) -> timed.cancel());
    });
    batch.pump();
    return batch.result;
  }

  /** Starts items until the window is full or the input ends; completes the batch when all are done. */
  private void pump() {
    Throwable inputFailed = null;
    while (true) {
      A item;
      int index;
      synchronized (this) {
        if (result.isDone() || exhausted) break;
        if (active >= window) return;
        try {
          if (!items.hasNext()) {
            exhausted = true;
            break;
          }
          item = items.next();
        } catch (RuntimeException | Error inputFailure) {
          exhausted = true;
          if (failure == null) failure = inputFailure;
          inputFailed = inputFailure;
          break;
        }
        index = pulled++;
        active++;
        if (index == results.length) results = Arrays.copyOf(results, index * 2);
      }
      if (progress != null) progress.itemStarted();
      CompletableFuture<Object> itemFuture = acceptItem(item);
      synchronized (this) {
        inFlight.add(itemFuture);
      }
      if (result.isDone()) itemFuture.cancel(true); // the batch ended while this item was being accepted
      itemFuture.whenComplete((value, failure) -> itemDone(itemFuture, index, item, value, failure));
    }
    if (inputFailed != null) result.completeExceptionally(inputFailed);
    completeIfDone();
  }

  /** The item's task, or a failed future if its options could not be had (a chooser that threw, an unknown lane). */
  private CompletableFuture<Object> acceptItem(A item) {
    try {
      return executor.accept(kind, context.wrap(() -> fn.apply(item)), options.taskFor(item), true);
    } catch (RuntimeException badOptions) {
      return CompletableFuture.failedFuture(badOptions);
    }
  }

  private void itemDone(CompletableFuture<?> itemFuture, int index, A item, Object value, Throwable itemFailure) {
    Throwable cause = itemFailure == null ? null : Failures.unwrap(itemFailure);
    FailedItem note = cause == null ? null : Failures.failedItem(index, item); // the item's toString, outside the lock
    if (progress != null) progress.itemFinished(cause == null); // before the batch can see its last item finished
    synchronized (this) {
      inFlight.remove(itemFuture);
      active--;
      if (cause == null) {
        results[index] = value;
      } else if (failure == null) {
        // Before anyone can see this item as finished (completeIfDone on another thread fails the batch with it).
        if (!result.isDone()) Failures.attach(cause, note);
        failure = cause;
      }
    }
    if (cause != null) result.completeExceptionally(cause);
    pump();
  }

  /**
   * Completes the batch once no item is in flight and nothing more will be pulled. A failure recorded
   * under the lock wins over the values even before its thread has failed the batch: another thread
   * finishing the last item in between must not complete the batch with a hole where that item was.
   */
  private void completeIfDone() {
    List<R> values = null;
    Throwable failed = null;
    boolean exit = false;
    synchronized (this) {
      if (active > 0 || exited) return;
      if (result.isDone() || exhausted) {
        exited = exit = true;
        if (!result.isDone()) {
          if (failure != null) {
            failed = failure;
          } else {
            @SuppressWarnings("unchecked") List<R> list = (List<R>) Arrays.asList(Arrays.copyOf(results, pulled));
            values = new ArrayList<>(list);
          }
        }
      }
    }
    if (exit && progress != null) progress.finish(); // the last report, before the batch completes by its items
    if (failed != null) result.completeExceptionally(failed);
    else if (values != null) result.complete(values);
    if (exit) executor.exit();
  }

  /** The batch is complete (by its items, a failure, a timeout or from outside): cancel what still runs. */
  private void stop() {
    List<CompletableFuture<?>> running;
    synchronized (this) {
      running = new ArrayList<>(inFlight);
    }
    for (CompletableFuture<?> item : running) {
      item.cancel(true);
    }
    completeIfDone();
  }
}
