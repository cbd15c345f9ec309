// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Failures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Runs components of any kind together under one executor and its limits: all on one input
 * ({@link #runAll}), all and the best result ({@link #best}), or a list of inputs through a chain
 * ({@link #chain}). Each component runs as its kind wants ({@link AsyncComponent#applyOn}): async work
 * as async tasks, {@link SyncComponent}s on blocking workers, Kotlin suspend components as coroutines.
 * Before an input crosses to a component it is handed off through {@link HandoffRules} (a copy per
 * component where a rule says so, closed when that component is done).
 *
 * <p>Failures: by default they are collected, one {@link ComponentResult} per component, and the others'
 * results are kept; with {@link #failFast()} the first failure fails the whole run at once and cancels
 * the components still running. Immutable and thread-safe.
 *
 * <pre>{@code
 * ComponentRunner runner = ComponentRunner.on(executor);
 * List<ComponentResult<Quote>> quotes = runner.runAll(List.of(dbQuotes, httpQuotes, cachedQuotes), ticker).join();
 * ComponentResult<Quote> cheapest = runner.best(List.of(dbQuotes, httpQuotes), ticker, comparing(Quote::price).reversed()).join();
 * }</pre>
 */
public final class ComponentRunner {
  private final AsyncExecutor executor;
  private final boolean failFast;
  private final HandoffRules handoff;

  private ComponentRunner(AsyncExecutor executor, boolean failFast, HandoffRules handoff) {
    this.executor = executor;
    this.failFast = failFast;
    this.handoff = handoff;
  }

  /**
   * A runner on {@code executor} that collects failures and hands values off by {@link HandoffRules#defaults()}.
   *
   * @param executor the executor the components run on
   * @return the runner
   */
  public static ComponentRunner on(AsyncExecutor executor) {
    return new ComponentRunner(Checks.notNull(executor, "executor"), false, HandoffRules.defaults());
  }

  /**
   * This runner, but the first failure fails the run and cancels the rest.
   *
   * @return a runner that cancels the others at the first failure
   */
  public ComponentRunner failFast() {
    return new ComponentRunner(executor, true, handoff);
  }

  /**
   * This runner, but failures are collected per component (the default).
   *
   * @return a runner that lets every component finish
   */
  public ComponentRunner collectFailures() {
    return new ComponentRunner(executor, false, handoff);
  }

  /**
   * This runner with other hand-off rules.
   *
   * @param rules how inputs are handed to each component's thread
   * @return a runner with those rules
   */
  public ComponentRunner withHandoff(HandoffRules rules) {
    return new ComponentRunner(executor, failFast, Checks.notNull(rules, "rules"));
  }

  /**
   * Runs every component on {@code input} at once (within the executor's limits) and completes with
   * their results in component order.
   *
   * @param <I> the type of the input
   * @param <O> the type of the outputs
   * @param components the components to run
   * @param input the input each gets
   * @return the future of one result per component, in component order
   * @throws UnsafeHandoffException if the input may not cross threads under the hand-off rules
   */
  public <I extends @Nullable Object, O extends @Nullable Object> CompletableFuture<List<ComponentResult<O>>> runAll(List<? extends AsyncComponent<? super I, ? extends O>> components, I input) {
    Checks.notNull(components, "components");
    List<CompletableFuture<O>> runs = new ArrayList<>(components.size());
    try {
      for (AsyncComponent<? super I, ? extends O> component : components) {
        runs.add(runOne(Checks.notNull(component, "component"), input));
      }
    } catch (RuntimeException refused) {
      runs.forEach(run -> run.cancel(true)); // nothing half-started is left running
      throw refused;
    }
    return collect(components, runs);
  }

  /**
   * Runs every component on {@code input} and completes with the successful result that
   * {@code comparator} ranks highest (the first of equals, in component order). If every component
   * fails, fails with the first failure, the others attached as suppressed.
   *
   * @param <I> the type of the input
   * @param <O> the type of the outputs
   * @param components the components to run
   * @param input the input each gets
   * @param comparator ranks the outputs, highest best
   * @return the future of the best result
   */
  public <I extends @Nullable Object, O extends @Nullable Object> CompletableFuture<ComponentResult<O>> best(List<? extends AsyncComponent<? super I, ? extends O>> components, I input,
                                                           Comparator<? super O> comparator) {
    Checks.notNull(comparator, "comparator");
    return this.<I, O>runAll(components, input).thenApply(results -> {
      ComponentResult<O> best = null;
      for (ComponentResult<O> result : results) {
        if (result.succeeded() && (best == null || comparator.compare(result.value(), best.value()) > 0)) best = result;
      }
      if (best != null) return best;
      Throwable first = results.isEmpty() ? new IllegalArgumentException("no components to choose from") : results.get(0).failure();
      for (int i = 1; i < results.size(); i++) {
        first.addSuppressed(results.get(i).failure());
      }
      throw first instanceof CompletionException ce ? ce : new CompletionException(first);
    });
  }

  /**
   * Like {@link #best(List, Object, Comparator)}, ranking by a score, highest best.
   *
   * @param <I> the type of the input
   * @param <O> the type of the outputs
   * @param components the components to run
   * @param input the input each gets
   * @param score scores the outputs, highest best
   * @return the future of the best result
   */
  public <I extends @Nullable Object, O extends @Nullable Object> CompletableFuture<ComponentResult<O>> best(List<? extends AsyncComponent<? super I, ? extends O>> components, I input,
                                                           ToDoubleFunction<? super O> score) {
    Checks.notNull(score, "score");
    return best(components, input, Comparator.comparingDouble(score));
  }

  /**
   * Runs each input through {@code stages} in order (the output of one is the input of the next),
   * the inputs at once within the executor's limits; completes with one result per input, in input
   * order, naming the stage that failed for a failed input.
   *
   * @param <T> the type of the last stage's output
   * @param stages the components, in order
   * @param inputs the inputs
   * @return the future of one result per input, in input order
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T extends @Nullable Object> CompletableFuture<List<ComponentResult<T>>> chain(List<? extends AsyncComponent<?, ?>> stages, List<?> inputs) {
    Checks.notNull(stages, "stages");
    Checks.notNull(inputs, "inputs");
    List<CompletableFuture<T>> runs = new ArrayList<>(inputs.size());
    List<String> names = new ArrayList<>(inputs.size());
    for (Object input : inputs) {
      CompletableFuture<Object> run = CompletableFuture.completedFuture(input);
      for (AsyncComponent<?, ?> each : stages) {
        AsyncComponent<Object, Object> stage = (AsyncComponent<Object, Object>) Checks.notNull(each, "stage");
        run = run.thenCompose(value -> this.<Object, Object>runOne(stage, value).exceptionallyCompose(failure ->
            CompletableFuture.failedFuture(new StageFailure(stage.name(), Failures.unwrap(failure)))));
      }
      runs.add((CompletableFuture<T>) (CompletableFuture) run);
      names.add(stages.isEmpty() ? "chain" : ((AsyncComponent<?, ?>) stages.get(stages.size() - 1)).name());
    }
    return collectNamed(names, runs);
  }

  /** Marks which stage of a chain failed, on the way to the result. */
  private static final class StageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String stage;

    StageFailure(String stage, Throwable cause) {
      super(cause.toString(), cause, false, false);
      this.stage = stage;
    }
  }

  @SuppressWarnings("unchecked")
  private <I, O> CompletableFuture<O> runOne(AsyncComponent<? super I, ? extends O> component, I input) {
    HandoffRules.Handed<I> handed = handoff.handOff(input);
    // A sync component closes the copies itself once its call has returned, also after a cancel; for
    // other kinds the copies are closed when the component's future completes.
    boolean closesItself = component instanceof SyncComponent<?, ?>;
    CompletableFuture<? extends O> run;
    try {
      run = closesItself
          ? ((SyncComponent<I, O>) component).runHandedOff(executor, handed)
          : component.applyOn(executor, handed.value());
    } catch (RuntimeException refused) {
      if (!closesItself) closeQuietly(handed);
      throw refused;
    }
    CompletableFuture<O> result = new CompletableFuture<>();
    run.whenComplete((value, failure) -> {
      if (!closesItself) closeQuietly(handed);
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(Failures.unwrap(failure));
      }
    });
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) run.cancel(true);
    });
    return result;
  }

  private <O> CompletableFuture<List<ComponentResult<O>>> collect(List<? extends AsyncComponent<?, ?>> components, List<CompletableFuture<O>> runs) {
    List<String> names = new ArrayList<>(components.size());
    for (AsyncComponent<?, ?> component : components) {
      names.add(component.name());
    }
    return collectNamed(names, runs);
  }

  private <O> CompletableFuture<List<ComponentResult<O>>> collectNamed(List<String> names, List<CompletableFuture<O>> runs) {
    CompletableFuture<List<ComponentResult<O>>> all = new CompletableFuture<>();
    CompletableFuture<Void> settled = CompletableFuture.allOf(runs.stream().map(run -> run.exceptionally(e -> null)).toArray(CompletableFuture[]::new));
    if (failFast) {
      for (CompletableFuture<O> run : runs) {
        run.whenComplete((v, failure) -> {
          if (failure != null && all.completeExceptionally(unwrapStage(Failures.unwrap(failure)))) runs.forEach(other -> other.cancel(true));
        });
      }
    }
    all.whenComplete((v, e) -> {
      if (all.isCancelled()) runs.forEach(run -> run.cancel(true));
    });
    settled.whenComplete((v, e) -> {
      List<ComponentResult<O>> results = new ArrayList<>(runs.size());
      for (int i = 0; i < runs.size(); i++) {
        CompletableFuture<O> run = runs.get(i);
        Throwable failure = failureOf(run);
        String name = failure instanceof StageFailure stage ? stage.stage : names.get(i);
        results.add(new ComponentResult<>(name, failure == null ? run.join() : null, unwrapStage(failure)));
      }
      all.complete(List.copyOf(results));
    });
    return all;
  }

  private static Throwable failureOf(CompletableFuture<?> run) {
    if (!run.isCompletedExceptionally()) return null;
    try {
      run.join();
      return null;
    } catch (CompletionException e) {
      return Failures.unwrap(e);
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private static Throwable unwrapStage(Throwable failure) {
    return failure instanceof StageFailure stage ? stage.getCause() : failure;
  }

  private static void closeQuietly(HandoffRules.Handed<?> handed) {
    try {
      handed.close();
    } catch (Exception e) {
      System.getLogger("dev.corobridge.component").log(System.Logger.Level.WARNING, "closing a hand-off copy failed", e);
    }
  }
}
