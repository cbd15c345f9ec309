// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.internal.Checks;
import dev.corobridge.runtime.FallbackRuntime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide executor for code that does not carry one around: libraries and framework glue
 * call {@link #current()}; the application decides, once, what runs behind it.
 *
 * <pre>{@code
 * // at start-up
 * AsyncExecutor executor = AsyncExecutor.builder().name("app").maxWorkers(256).build();
 * ExecutorRegistry.register(executor);
 *
 * // anywhere
 * ExecutorRegistry.current().submit(() -> client.fetch(id));
 * }</pre>
 *
 * <p>Until an executor is registered, {@code current()} is a shared executor of the
 * {@link FallbackRuntime} ({@value FallbackRuntime#MAX_WORKERS} workers, created on first use, on
 * daemon threads; it is never shut down). Registration is once: a second {@code register} fails until
 * the first executor is {@linkplain #unregister() unregistered}. The registry never shuts an executor
 * down; whoever registered it does. Thread-safe.
 */
public final class ExecutorRegistry {
  private static final AtomicReference<AsyncExecutor> REGISTERED = new AtomicReference<>();

  private ExecutorRegistry() {}

  private static final class Fallback {
    static final AsyncExecutor EXECUTOR = new FallbackRuntime().create(
        AsyncExecutor.builder().name("corobridge-fallback").maxWorkers(FallbackRuntime.MAX_WORKERS).toConfig());
  }

  /**
   * Registers the executor that {@link #current()} returns from now on.
   *
   * @param executor the executor to use process-wide
   * @throws NullPointerException  if {@code executor} is null
   * @throws IllegalStateException if an executor is registered already; {@link #unregister()} it first
   */
  public static void register(AsyncExecutor executor) {
    Checks.notNull(executor, "executor");
    AsyncExecutor previous = REGISTERED.compareAndExchange(null, executor);
    if (previous != null) {
      throw new IllegalStateException("an executor is registered already: " + previous + "; call ExecutorRegistry.unregister() first");
    }
  }

  /**
   * Removes the registered executor, if any, so that {@link #current()} is the fallback again. Does not
   * shut it down.
   *
   * @return the executor that was registered, or empty if there was none
   */
  public static Optional<AsyncExecutor> unregister() {
    return Optional.ofNullable(REGISTERED.getAndSet(null));
  }

  /**
   * The registered executor, else the shared fallback executor.
   *
   * @return the registered executor, or the fallback one
   */
  public static AsyncExecutor current() {
    AsyncExecutor registered = REGISTERED.get();
    return registered != null ? registered : Fallback.EXECUTOR;
  }

  /**
   * Whether {@link #current()} is the fallback, because no executor is registered.
   *
   * @return whether no executor was registered
   */
  public static boolean isUsingFallback() {
    return REGISTERED.get() == null;
  }
}
