// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorListener;
import dev.corobridge.spi.ExecutorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ExecutorListener}s of one executor, and where their failures go. An executor without listeners has
 * none of these ({@link #of} returns null), so its tasks carry no {@link TaskTrace} and its hot paths test one
 * field against null. Listeners told of every task hear each one; {@linkplain SampledListener sampled} ones hear the
 * tasks their {@link Sampler} chooses, and a task no listener hears has no trace either. Not part of the public API.
 */
public final class TaskListeners {
  private static final ExecutorListener[] NONE = new ExecutorListener[0];

  final String executor;
  /** The listeners told of every task. */
  private final ExecutorListener[] everyTask;
  /** Those, and every sampled listener: what a task chosen by all samplers tells. */
  private final ExecutorListener[] all;
  private final Sampler[] samplers;
  private final Consumer<Throwable> onFailure;

  private TaskListeners(ExecutorConfig config) {
    this.executor = config.name();
    List<ExecutorListener> every = new ArrayList<>();
    List<Sampler> sampled = new ArrayList<>();
    List<ExecutorListener> both = new ArrayList<>();
    for (ExecutorListener listener : config.listeners()) {
      if (listener instanceof SampledListener s) {
        sampled.add(new Sampler(s));
        both.add(s.delegate);
      } else {
        every.add(listener);
      }
    }
    both.addAll(0, every);
    this.everyTask = every.toArray(NONE);
    this.all = both.toArray(NONE);
    this.samplers = sampled.toArray(new Sampler[0]);
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
   * A task was accepted: tells the listeners that hear it and returns the task's trace, which tells them the rest;
   * {@code null} if none hears it.
   *
   * @param name     the task's name, or {@code null}
   * @param lane     the task's lane, or {@code null}
   * @param blocking whether it runs on a blocking thread
   * @return the task's trace, or {@code null}
   */
  public @Nullable TaskTrace queued(@Nullable String name, @Nullable String lane, boolean blocking) {
    ExecutorListener[] told = samplers.length == 0 ? everyTask : sampledFor();
    if (told.length == 0) return null;
    TaskTrace trace = new TaskTrace(this, told, name, lane, blocking);
    trace.tellQueued();
    return trace;
  }

  /** The listeners that hear the task being accepted, when some are sampled. */
  private ExecutorListener[] sampledFor() {
    int chosen = 0;
    boolean[] which = null;
    for (int i = 0; i < samplers.length; i++) {
      if (samplers[i].choose()) {
        chosen++;
        if (samplers.length > 1) {
          if (which == null) which = new boolean[samplers.length];
          which[i] = true;
        }
      }
    }
    if (chosen == 0) return everyTask;
    if (chosen == samplers.length) return all;
    List<ExecutorListener> told = new ArrayList<>(List.of(everyTask)); // some of several samplers: rare
    for (int i = 0; i < samplers.length; i++) {
      if (which[i]) told.add(samplers[i].listener.delegate);
    }
    return told.toArray(NONE);
  }

  /** What a listener threw: to the executor's uncaught-error handler; the other listeners are still told. */
  void failed(Throwable failure) {
    UncaughtErrors.report(onFailure, executor, failure);
  }
}
