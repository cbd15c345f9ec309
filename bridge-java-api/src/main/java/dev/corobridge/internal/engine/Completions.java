// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.Stages;
import dev.corobridge.internal.Timed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code asCompleted} and {@code waitFor} over futures, for every runtime: callbacks and counters, no thread
 * waits, and a {@code waitFor} deadline timed on the executor's {@link Scheduler}. Not part of the public API.
 */
public final class Completions {
  private Completions() {}

  /**
   * One output per input, the i-th completing with the outcome of the i-th input to complete (a failure
   * unwrapped by the one rule, {@link Failures#unwrap}). Each input's completion claims the next output with
   * one atomic increment; an input that calls back twice is followed once ({@link Stages#follow}).
   *
   * @throws NullPointerException if {@code futures} or one of its elements is null, naming which
   */
  public static <T> List<CompletableFuture<T>> inCompletionOrder(Collection<? extends CompletionStage<? extends T>> futures) {
    List<? extends CompletionStage<? extends T>> inputs = nonNullElements(futures);
    List<CompletableFuture<T>> ordered = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      ordered.add(new CompletableFuture<>());
    }
    AtomicInteger next = new AtomicInteger();
    for (CompletionStage<? extends T> input : inputs) {
      Stages.follow(input).whenComplete((value, failure) -> {
        CompletableFuture<T> output = ordered.get(next.getAndIncrement());
        if (failure == null) {
          output.complete(value);
        } else {
          output.completeExceptionally(Failures.unwrap(failure));
        }
      });
    }
    return Collections.unmodifiableList(ordered);
  }

  /**
   * Completes with the partition into done and pending at the moment {@code strategy} is met or the timeout
   * expires, whichever comes first; never cancels an input. A zero timeout partitions at once; the timer is
   * called off as soon as the wait completes.
   *
   * @param timeoutNanos how long to wait at most; negative for no limit
   * @param clock        the executor's clock, which times the deadline
   * @throws NullPointerException if {@code futures}, one of its elements or {@code strategy} is null, naming which
   */
  public static <T> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures,
                                                             WaitStrategy strategy, long timeoutNanos, Scheduler clock) {
    List<? extends CompletableFuture<T>> inputs = nonNullElements(futures);
    Checks.notNull(strategy, "strategy");
    CompletableFuture<WaitResult<T>> result = new CompletableFuture<>();
    if (inputs.isEmpty() || timeoutNanos == 0) {
      result.complete(partition(inputs));
      return result;
    }
    AtomicInteger remaining = new AtomicInteger(inputs.size());
    for (CompletableFuture<T> input : inputs) {
      input.whenComplete((value, failure) -> {
        if (isMet(strategy, failure != null, remaining.decrementAndGet()) && !result.isDone()) {
          result.complete(partition(inputs));
        }
      });
    }
    if (timeoutNanos > 0 && !result.isDone()) {
      Timed timer = clock.schedule(() -> result.complete(partition(inputs)), timeoutNanos);
      result.whenComplete((v, e) -> timer.cancel());
    }
    return result;
  }

  /**
   * Whether {@code strategy} is met once an input completed, failed or not, with {@code remaining} inputs still
   * pending: {@code ALL_COMPLETED} when none remain, {@code FIRST_COMPLETED} at once, {@code FIRST_EXCEPTION} on
   * a failure, {@code FIRST_SUCCESS} on a success; each of them once none remain.
   */
  public static boolean isMet(WaitStrategy strategy, boolean failed, int remaining) {
    if (remaining == 0) return true;
    return switch (strategy) {
      case ALL_COMPLETED -> false;
      case FIRST_COMPLETED -> true;
      case FIRST_EXCEPTION -> failed;
      case FIRST_SUCCESS -> !failed;
    };
  }

  private static <T> WaitResult<T> partition(List<? extends CompletableFuture<T>> inputs) {
    Set<CompletableFuture<T>> done = new LinkedHashSet<>();
    Set<CompletableFuture<T>> pending = new LinkedHashSet<>();
    for (CompletableFuture<T> input : inputs) {
      (input.isDone() ? done : pending).add(input);
    }
    return new WaitResult<>(Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
  }

  private static <E> List<E> nonNullElements(Collection<E> collection) {
    List<E> copy = new ArrayList<>(Checks.notNull(collection, "futures"));
    for (int i = 0; i < copy.size(); i++) {
      Checks.notNull(copy.get(i), "futures[" + i + "]");
    }
    return copy;
  }
}
