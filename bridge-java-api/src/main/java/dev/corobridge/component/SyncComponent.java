package dev.corobridge.component;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.BlockingFunction;
import dev.corobridge.internal.Checks;
import java.util.concurrent.CompletableFuture;

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
public abstract class SyncComponent<I, O> implements AsyncComponent<I, O> {
  private final AsyncExecutor executor;

  /** A component that runs on {@link AsyncComponent#defaultExecutor()} unless a runner gives it another. */
  protected SyncComponent() {
    this.executor = null;
  }

  /** A component that runs on {@code executor} unless a runner gives it another. */
  protected SyncComponent(AsyncExecutor executor) {
    this.executor = Checks.notNull(executor, "executor");
  }

  /** A sync component from a blocking function, named {@code name}. */
  public static <I, O> SyncComponent<I, O> of(String name, BlockingFunction<? super I, ? extends O> fn) {
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
   */
  public static <I, O> SyncComponent<I, O> from(AsyncComponent<I, O> component) {
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

  /** Does the work, blocking: runs on a blocking worker, never on the caller's thread. */
  protected abstract O applySync(I input) throws Exception;

  /** Runs {@link #applySync} on a blocking worker of this component's executor. */
  @Override
  public final CompletableFuture<O> apply(I input) {
    return applyOn(executor != null ? executor : AsyncComponent.defaultExecutor(), input);
  }

  /** Runs {@link #applySync} on a blocking worker of {@code executor}. */
  @Override
  public CompletableFuture<O> applyOn(AsyncExecutor executor, I input) {
    return executor.submitBlocking(() -> applySync(input));
  }
}
