// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import org.jspecify.annotations.Nullable;

/**
 * Carries one piece of thread-bound context (a scope, a trace, a tenant) from the code that submits
 * work to the worker that runs it, so that context follows the work and not the thread. Register it
 * once with {@link ContextPropagation#register}; every engine then captures it when a task is accepted
 * and installs it around each run of the task's code.
 *
 * @param <T> the captured value
 */
public interface ContextPropagator<T> {
  /**
   * Captures the current thread's context on the submitting thread; {@code null} when there is none.
   *
   * @return the captured context, or {@code null}
   */
  @Nullable T capture();

  /**
   * Installs {@code captured} on the worker thread and returns what was there, for {@link #uninstall}.
   *
   * @param captured what {@link #capture()} returned on the submitting thread, never null: a null capture
   *                 installs nothing
   * @return the worker thread's own context, to put back, or {@code null} when it has none
   */
  @Nullable T install(T captured);

  /**
   * Puts back what {@link #install} returned, when the task's code returns or suspends.
   *
   * @param previous what {@link #install} returned
   */
  void uninstall(@Nullable T previous);
}
