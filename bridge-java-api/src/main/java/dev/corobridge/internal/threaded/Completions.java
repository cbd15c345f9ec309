// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.Stages;
import dev.corobridge.internal.Timed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code asCompleted} and {@code waitFor} over futures: callbacks and counters, no thread waits. */
final class Completions {
  private Completions() {}

  static <T> List<CompletableFuture<T>> inCompletionOrder(Collection<? extends CompletionStage<? extends T>> futures) {
    List<? extends CompletionStage<? extends T>> inputs = nonNullElements(futures, "futures");
    List<CompletableFuture<T>> ordered = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      ordered.add(new CompletableFuture<>());
    }
    AtomicInteger next = new AtomicInteger();
    for (CompletionStage<? extends T> input : inputs) {
      Stages.follow(input).whenComplete((value, failure) -> {
        CompletableFuture<T> slot = ordered.get(next.getAndIncrement());
        if (failure == null) {
          slot.complete(value);
        } else {
          slot.completeExceptionally(Failures.unwrap(failure));
        }
      });
    }
    return Collections.unmodifiableList(ordered);
  }

  static <T> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy,
                                                      Duration timeout, Host host) {
    List<? extends CompletableFuture<T>> inputs = nonNullElements(futures, "futures");
    Checks.notNull(strategy, "strategy");
    CompletableFuture<WaitResult<T>> result = new CompletableFuture<>();
    int total = inputs.size();
    AtomicInteger done = new AtomicInteger();
    for (CompletableFuture<T> input : inputs) {
      input.whenComplete((value, failure) -> {
        int finished = done.incrementAndGet();
        boolean met = finished == total || switch (strategy) {
          case ALL_COMPLETED -> false;
          case FIRST_COMPLETED -> true;
          case FIRST_EXCEPTION -> failure != null;
          case FIRST_SUCCESS -> failure == null;
        };
        if (met && !result.isDone()) result.complete(partition(inputs));
      });
    }
    if (total == 0) result.complete(new WaitResult<>(Set.of(), Set.of()));
    if (timeout != null && !result.isDone()) {
      Timed timed = host.schedule(() -> result.complete(partition(inputs)), Checks.saturatedNanos(timeout));
      result.whenComplete((v, e) -> timed.cancel());
    }
    return result;
  }

  private static <T> WaitResult<T> partition(List<? extends CompletableFuture<T>> inputs) {
    Set<CompletableFuture<T>> done = new LinkedHashSet<>();
    Set<CompletableFuture<T>> pending = new LinkedHashSet<>();
    for (CompletableFuture<T> input : inputs) {
      (input.isDone() ? done : pending).add(input);
    }
    return new WaitResult<>(Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
  }

  private static <E> List<E> nonNullElements(Collection<E> collection, String name) {
    List<E> copy = new ArrayList<>(Checks.notNull(collection, name));
    for (int i = 0; i < copy.size(); i++) {
      Checks.notNull(copy.get(i), name + "[" + i + "]");
    }
    return copy;
  }
}
