// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import dev.corobridge.internal.Checks;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The built-in {@link IntentExecutor}s. */
public final class IntentExecutors {
  /** The same key as {@link Intent#RETRY}, where every dispatch option lives; kept for code that names it here. */
  public static final String RETRY = Intent.RETRY;
  /** The same key as {@link Intent#TIMEOUT}, where every dispatch option lives; kept for code that names it here. */
  public static final String TIMEOUT = Intent.TIMEOUT;

  private static final System.Logger LOG = System.getLogger("dev.corobridge.intent");

  private IntentExecutors() {}

  /**
   * Runs each intent at once on the flushing thread; a failure is a failed dispatch. Ignores {@link Intent#DELAY}. The default.
   *
   * @return the executor
   */
  public static IntentExecutor synchronous() {
    return Intent::run;
  }

  /**
   * Hands each intent to {@code executor}, after its {@link Intent#DELAY} if it has one. A failure of
   * the intent is logged; refusal by the executor is a failed dispatch.
   *
   * @param executor where the intents run
   * @return the executor
   */
  public static IntentExecutor on(Executor executor) {
    Checks.notNull(executor, "executor");
    return intent -> {
      Executor target = intent.delay().map(d -> CompletableFuture.delayedExecutor(d.toNanos(), TimeUnit.NANOSECONDS, executor)).orElse(executor);
      target.execute(() -> {
        try {
          intent.run();
        } catch (Exception e) {
          LOG.log(Level.ERROR, "intent " + intent + " failed", e);
        }
      });
    };
  }

  /**
   * Submits each intent as a blocking task of {@code executor}, under its limits, with task options
   * taken from the intent's dispatch options: {@link Intent#QUEUE} is the lane, {@link #RETRY} a
   * {@link RetryPolicy}, {@link #TIMEOUT} a {@link Duration}; {@link Intent#DELAY} waits before
   * submitting. A failure of the intent is logged; a refusal at submit (unknown lane, executor shut
   * down) is a failed dispatch.
   *
   * @param executor where the intents run
   * @return the executor
   */
  public static IntentExecutor on(AsyncExecutor executor) {
    Checks.notNull(executor, "executor");
    return intent -> {
      TaskOptions options = taskOptions(intent);
      Runnable submit = () -> executor.submitBlocking(() -> {
        intent.run();
        return null;
      }, options).whenComplete((v, e) -> {
        if (e != null) LOG.log(Level.ERROR, "intent " + intent + " failed", e);
      });
      Duration delay = intent.delay().orElse(Duration.ZERO);
      if (delay.isZero()) {
        submit.run();
      } else {
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(submit);
      }
    };
  }

  static TaskOptions taskOptions(Intent intent) {
    TaskOptions.Builder options = TaskOptions.builder().name(intent.name());
    intent.queue().ifPresent(options::lane);
    Object retry = intent.options().get(RETRY);
    if (retry != null) options.retry(cast(retry, RetryPolicy.class, RETRY));
    Object timeout = intent.options().get(TIMEOUT);
    if (timeout != null) options.timeout(cast(timeout, Duration.class, TIMEOUT));
    return options.build();
  }

  private static <T> T cast(Object value, Class<T> type, String option) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("dispatch option " + option + " must be a " + type.getSimpleName() + ", was " + value);
    }
    return type.cast(value);
  }

  /**
   * Logs each intent it is given and runs none: see what a unit of work would do.
   *
   * @return a new recording executor
   */
  public static DryRun dryRun() {
    return new DryRun();
  }

  /** An executor that logs and records intents instead of running them. */
  public static final class DryRun implements IntentExecutor {
    private final List<Intent> dispatched = new CopyOnWriteArrayList<>();

    private DryRun() {}

    @Override
    public void dispatch(Intent intent) {
      LOG.log(Level.INFO, "dry run: would dispatch {0}", intent);
      dispatched.add(intent);
    }

    /**
     * The intents it was given, in order.
     *
     * @return the intents dispatched so far, in order
     */
    public List<Intent> dispatched() {
      return List.copyOf(dispatched);
    }
  }
}
