// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.BlockingFunction;
import dev.corobridge.internal.Checks;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The base of a component whose work blocks (a JDBC query, a CPU-heavy library): implement
 * {@link #applySync(Object)}; callers and runners see an {@link AsyncComponent}. The blocking call never
 * runs on the caller's thread: {@link #apply} runs it on a blocking worker of the executor the
 * component runs under (the runner's, else the one given to the constructor, else
 * {@link AsyncComponent#defaultExecutor()}), within that executor's limits, and interrupts it when
 * the returned future is cancelled.
 *
 * <pre>{@code
 * class PriceHistory extends SyncComponent<String, double[]> {
 *   @Override protected double[] applySync(String ticker) throws SQLException { return query(ticker); }
 * }
 * }</pre>
 *
 * @param <I> the input
 * @param <O> the output
 */
public abstract class SyncComponent<I extends @Nullable Object, O extends @Nullable Object> implements AsyncComponent<I, O> {
  private final AsyncExecutor executor;

  /** A component that runs on {@link AsyncComponent#defaultExecutor()} unless a runner gives it another. */
  protected SyncComponent() {
    this.executor = null;
  }

  /**
   * A component that runs on {@code executor} unless a runner gives it another.
   *
   * @param executor the executor it runs on when applied without one
   */
  protected SyncComponent(AsyncExecutor executor) {
    this.executor = Checks.notNull(executor, "executor");
  }

  /**
   * A sync component from a blocking function, named {@code name}.
   *
   * @param <I> the type of the input
   * @param <O> the type of the output
   * @param name the component's name
   * @param fn the blocking work
   * @return the component
   */
  public static <I extends @Nullable Object, O extends @Nullable Object> SyncComponent<I, O> of(String name, BlockingFunction<? super I, ? extends O> fn) {
    Checks.notNull(name, "name");
    Checks.notNull(fn, "fn");
    return new SyncComponent<>() {
      @Override
      protected O applySync(I input) throws Exception {
        return fn.apply(input);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  /**
   * A sync view of any component: {@code applySync} starts {@code component} and blocks for its
   * result (interrupting the wait cancels it); its exception is thrown as is.
   *
   * @param <I> the type of the input
   * @param <O> the type of the output
   * @param component the async component
   * @return the sync adapter
   */
  public static <I extends @Nullable Object, O extends @Nullable Object> SyncComponent<I, O> from(AsyncComponent<I, O> component) {
    Checks.notNull(component, "component");
    return new SyncComponent<>() {
      @Override
      protected O applySync(I input) throws Exception {
        java.util.concurrent.CompletableFuture<O> running = component.apply(input).toCompletableFuture();
        try {
          return running.get();
        } catch (InterruptedException e) {
          running.cancel(true);
          throw e;
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Exception ex) throw ex;
          throw (Error) cause;
        }
      }

      @Override
      public String name() {
        return component.name();
      }
    };
  }

  /**
   * Does the work, blocking: runs on a blocking worker, never on the caller's thread.
   *
   * @param input the input
   * @return the output
   * @throws Exception a failure of the component
   */
  protected abstract O applySync(I input) throws Exception;

  /** Runs {@link #applySync} on a blocking worker of this component's executor. */
  @Override
  public final CompletableFuture<O> apply(I input) {
    return applyOn(executor != null ? executor : AsyncComponent.defaultExecutor(), input);
  }

  /**
   * Runs {@link #applySync} on a blocking worker of {@code executor}, with {@code input} handed off to
   * that thread by {@link HandoffRules#defaults()}: copies made for it are closed once the call has
   * returned (also when it was cancelled), never while it may still use them.
   *
   * @throws UnsafeHandoffException if the input may not cross threads under the default rules
   */
  @Override
  public CompletableFuture<O> applyOn(AsyncExecutor executor, I input) {
    return runHandedOff(executor, HandoffRules.defaults().handOff(input));
  }

  /**
   * Runs {@link #applySync} on a blocking worker with an input already handed off, and closes the
   * hand-off's copies when the work has really stopped: after the call returned, or, if it never
   * started, when its future completed.
   */
  CompletableFuture<O> runHandedOff(AsyncExecutor executor, HandoffRules.Handed<I> handed) {
    AtomicInteger state = new AtomicInteger(); // 0: not started, 1: running, 2: will never run
    CompletableFuture<O> run;
    try {
      run = executor.submitBlocking(() -> {
        if (!state.compareAndSet(0, 1)) throw new CancellationException("cancelled before it started");
        try {
          return applySync(handed.value());
        } finally {
          closeQuietly(handed);
        }
      });
    } catch (RuntimeException | Error refused) {
      closeQuietly(handed);
      throw refused;
    }
    run.whenComplete((v, e) -> {
      if (state.compareAndSet(0, 2)) closeQuietly(handed);
    });
    return run;
  }

  private static void closeQuietly(HandoffRules.Handed<?> handed) {
    try {
      handed.close();
    } catch (Exception e) {
      System.getLogger("dev.corobridge").log(System.Logger.Level.WARNING, "closing a hand-off copy failed", e);
    }
  }
}
