// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import dev.corobridge.BatchProgress;
import dev.corobridge.MapOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One batch's counts, told to its {@link MapOptions#progressListener() progress listener} at most once per
 * {@linkplain MapOptions#progressInterval() interval} and once more, marked finished, when the batch has ended.
 * Reports never overlap and their counts never go back: one thread at a time reports, and one that finds
 * another reporting leaves it be (the report is throttled anyway), except the last, which the reporting thread
 * picks up when it is done. A batch without a listener has no tracker. Not part of the public API.
 */
public final class ProgressTracker {
  private final Consumer<? super BatchProgress> listener;
  private final Consumer<Throwable> onListenerFailure;
  private final long intervalNanos;
  private final long total;
  private final long startedAt = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean reporting = new AtomicBoolean();
  private volatile long nextReportAt;
  private volatile boolean ending;
  private volatile boolean ended; // written while reporting

  private ProgressTracker(Consumer<? super BatchProgress> listener, long intervalNanos, long total, Consumer<Throwable> onListenerFailure) {
    this.listener = listener;
    this.intervalNanos = intervalNanos;
    this.total = total;
    this.onListenerFailure = onListenerFailure;
    this.nextReportAt = startedAt + intervalNanos;
  }

  /**
   * A tracker for a batch run with {@code options}, or {@code null} if they ask for no progress.
   *
   * @param options           the batch's options
   * @param total             the number of items, or -1 if unknown
   * @param onListenerFailure where what the listener throws goes (the executor's uncaught-error handler)
   * @return the tracker, or {@code null}
   */
  public static @Nullable ProgressTracker of(MapOptions options, long total, Consumer<Throwable> onListenerFailure) {
    Consumer<? super BatchProgress> listener = options.progressListener();
    if (listener == null) return null;
    return new ProgressTracker(listener, Checks.saturatedNanos(options.progressInterval()), total, onListenerFailure);
  }

  /** The batch took up an item. */
  public void itemStarted() {
    inFlight.incrementAndGet();
  }

  /**
   * An item's task ended.
   *
   * @param succeeded whether it ended with a value
   */
  public void itemFinished(boolean succeeded) {
    (succeeded ? done : failed).incrementAndGet();
    int left = inFlight.decrementAndGet();
    if (ending ? left == 0 : System.nanoTime() - nextReportAt >= 0) report();
  }

  /**
   * Takes up an item whose task is {@code item}, and counts it finished when the task ends.
   *
   * @param item the item's task
   */
  public void track(CompletableFuture<?> item) {
    itemStarted();
    item.whenComplete((value, failure) -> itemFinished(failure == null));
  }

  /**
   * The batch has ended: the last report comes once none of its items runs any more. If none runs now, returns
   * once it was told (here, or by a thread that was reporting meanwhile, which is quick).
   */
  public void finish() {
    ending = true;
    report();
    while (inFlight.get() == 0 && !ended) {
      Thread.onSpinWait();
      report();
    }
  }

  private boolean lastIsDue() {
    return ending && inFlight.get() == 0;
  }

  private void report() {
    while (reporting.compareAndSet(false, true)) {
      boolean last = false;
      try {
        if (ended) return;
        last = lastIsDue();
        nextReportAt = System.nanoTime() + intervalNanos;
        listener.accept(new BatchProgress(done.get(), failed.get(), Math.max(0, inFlight.get()), total,
            Math.max(0, System.nanoTime() - startedAt), last));
      } catch (Throwable listenerFailure) {
        onListenerFailure.accept(listenerFailure);
      } finally {
        if (last) ended = true;
        reporting.set(false);
      }
      if (last || !lastIsDue()) return; // else the last report became due while this thread reported: tell it too
    }
  }
}
