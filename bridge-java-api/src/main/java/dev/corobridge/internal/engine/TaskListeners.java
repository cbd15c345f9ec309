// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorListener;
import dev.corobridge.spi.ExecutorConfig;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ExecutorListener}s of one executor, and where their failures go. An executor without listeners has
 * none of these ({@link #of} returns null), so its tasks carry no {@link TaskTrace} and its hot paths test one
 * field against null. Not part of the public API.
 */
public final class TaskListeners {
  final String executor;
  final ExecutorListener[] listeners;
  private final Consumer<Throwable> onFailure;

  private TaskListeners(ExecutorConfig config) {
    this.executor = config.name();
    this.listeners = config.listeners().toArray(new ExecutorListener[0]);
    this.onFailure = config.uncaughtErrorHandler();
  }

  /**
   * The listeners of the executor {@code config} describes, or {@code null} if it has none.
   *
   * @param config the executor's configuration
   * @return its listeners, or {@code null}
   */
  public static @Nullable TaskListeners of(ExecutorConfig config) {
    return config.listeners().isEmpty() ? null : new TaskListeners(config);
  }

  /**
   * A task was accepted: tells the listeners and returns the task's trace, which tells them the rest.
   *
   * @param name     the task's name, or {@code null}
   * @param lane     the task's lane, or {@code null}
   * @param blocking whether it runs on a blocking thread
   * @return the task's trace
   */
  public TaskTrace queued(@Nullable String name, @Nullable String lane, boolean blocking) {
    TaskTrace trace = new TaskTrace(this, name, lane, blocking);
    trace.tellQueued();
    return trace;
  }

  /** What a listener threw: to the executor's uncaught-error handler; the other listeners are still told. */
  void failed(Throwable failure) {
    UncaughtErrors.report(onFailure, executor, failure);
  }
}
