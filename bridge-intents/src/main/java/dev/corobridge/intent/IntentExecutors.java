// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import dev.corobridge.internal.Checks;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

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
   * Hands each intent to {@code executor}, after its {@link Intent#DELAY} if it has one (timed by the
   * {@linkplain IntentTimer#system() system timer}); see {@link #on(Executor, IntentTimer)}.
   *
   * @param executor where the intents run
   * @return the executor
   */
  public static IntentExecutor on(Executor executor) {
    return on(executor, IntentTimer.system());
  }

  /**
   * Hands each intent to {@code executor}, after its {@link Intent#DELAY} if it has one, as timed by
   * {@code timer}. Of the intents waiting for the executor's threads, those of higher
   * {@link Intent#PRIORITY} run first. A failed intent is tried again as its {@link Intent#RETRY} policy
   * says, each retry after the policy's back-off (timed by {@code timer}) and behind the intents of higher
   * priority; the last failure is logged. {@link Intent#QUEUE} and {@link Intent#TIMEOUT} are not for a plain
   * executor, which has no lanes and cannot stop a task: use {@link #on(AsyncExecutor)}. A refusal by the
   * executor is a failed dispatch.
   *
   * @param executor where the intents run
   * @param timer times delays and back-offs
   * @return the executor
   */
  public static IntentExecutor on(Executor executor, IntentTimer timer) {
    Checks.notNull(executor, "executor");
    Checks.notNull(timer, "timer");
    PriorityHandOff<Attempt> waiting = new PriorityHandOff<>();
    return new IntentExecutor() {
      @Override
      public void dispatch(Intent intent) {
        afterDelay(intent, intent.delay().orElse(Duration.ZERO), timer, () -> runOn(executor, waiting, timer, new Attempt(intent, 1)));
      }

      @Override
      public String toString() {
        return "IntentExecutors.on(" + executor + ")";
      }
    };
  }

  /** An intent and which attempt at it this is, from 1. */
  private record Attempt(Intent intent, int number) {
    @Override
    public String toString() {
      return intent.toString();
    }
  }

  /** Hands {@code attempt} to the plain executor; a failure is tried again as the intent's policy says. */
  private static void runOn(Executor executor, PriorityHandOff<Attempt> waiting, IntentTimer timer, Attempt attempt) {
    PriorityHandOff.Entry<Attempt> entry = waiting.entry(attempt.intent(), attempt);
    try {
      executor.execute(() -> {
        Attempt next = waiting.take(entry);
        try {
          next.intent().run();
        } catch (Exception failure) {
          long backOff = next.intent().retry().orElse(RetryPolicy.none()).retryDelayNanos(next.number(), null, failure);
          if (backOff < 0) {
            LOG.log(Level.ERROR, "intent " + next + " failed" + (next.number() > 1 ? " at attempt " + next.number() : ""), failure);
          } else {
            afterDelay(next.intent(), Duration.ofNanos(backOff), timer,
                () -> runOn(executor, waiting, timer, new Attempt(next.intent(), next.number() + 1)));
          }
        }
      });
    } catch (RuntimeException refused) {
      if (attempt.number() == 1) throw refused; // a failed dispatch
      LOG.log(Level.ERROR, "intent " + attempt + " was not tried again: the executor refused it", refused);
      return;
    }
    waiting.accepted(entry);
  }

  /**
   * Runs {@code action} (which hands {@code intent} to the executor) now, where a refusal is a failed dispatch, or
   * after {@code delay} on the timer's thread, where nobody would see a refusal: it is logged.
   */
  private static void afterDelay(Intent intent, Duration delay, IntentTimer timer, Runnable action) {
    if (delay.isZero()) {
      action.run();
      return;
    }
    timer.schedule(delay, () -> {
      try {
        action.run();
      } catch (RuntimeException refused) {
        LOG.log(Level.ERROR, "intent " + intent + " was not run: the executor refused it after its delay", refused);
      }
    });
  }

  /**
   * Submits each intent as a blocking task of {@code executor}, after its {@link Intent#DELAY} (timed by
   * the {@linkplain IntentTimer#system() system timer}); see {@link #on(AsyncExecutor, IntentTimer)}.
   *
   * @param executor where the intents run
   * @return the executor
   */
  public static IntentExecutor on(AsyncExecutor executor) {
    return on(executor, IntentTimer.system());
  }

  /**
   * Submits each intent as a blocking task of {@code executor}, under its limits, with task options
   * taken from the intent's dispatch options: {@link Intent#QUEUE} is the lane, {@link Intent#RETRY} the
   * retry policy, {@link Intent#TIMEOUT} the timeout; {@link Intent#DELAY} waits (timed by {@code timer})
   * before submitting. Of the intents waiting for the executor, those of higher {@link Intent#PRIORITY}
   * start first (among intents of the same lane, retry policy and timeout). A failure of the intent is
   * logged; a refusal at submit (unknown lane, executor shut down) is a failed dispatch, and an intent
   * whose task a shutdown cancels before it starts is logged as not run.
   *
   * @param executor where the intents run
   * @param timer times delays
   * @return the executor
   */
  public static IntentExecutor on(AsyncExecutor executor, IntentTimer timer) {
    Checks.notNull(executor, "executor");
    Checks.notNull(timer, "timer");
    PriorityHandOff<Intent> waiting = new PriorityHandOff<>();
    return new IntentExecutor() {
      @Override
      public void dispatch(Intent intent) {
        TaskOptions options = taskOptions(intent); // a bad option fails the dispatch at once
        afterDelay(intent, intent.delay().orElse(Duration.ZERO), timer, () -> submit(executor, waiting, intent, options));
      }

      @Override
      public String toString() {
        return "IntentExecutors.on(" + executor + ")";
      }
    };
  }

  private static void submit(AsyncExecutor executor, PriorityHandOff<Intent> waiting, Intent intent, TaskOptions options) {
    PriorityHandOff.Entry<Intent> entry = waiting.entry(intent, intent);
    IntentTaskOnce task = new IntentTaskOnce(waiting, entry);
    CompletableFuture<Void> done = executor.submitBlocking(task, options); // a refusal is a failed dispatch
    waiting.accepted(entry);
    done.whenComplete((v, e) -> {
      if (e != null && !task.endedUnstarted(e)) LOG.log(Level.ERROR, "intent " + task.chosen + " failed", e);
    });
  }

  /** One intent's task: takes the waiting intent it runs when it first starts, and runs that one on every attempt. */
  private static final class IntentTaskOnce implements Callable<Void> {
    private final PriorityHandOff<Intent> waiting;
    private final PriorityHandOff.Entry<Intent> own;
    private final AtomicBoolean claimed = new AtomicBoolean();
    volatile Intent chosen;

    IntentTaskOnce(PriorityHandOff<Intent> waiting, PriorityHandOff.Entry<Intent> own) {
      this.waiting = waiting;
      this.own = own;
    }

    @Override
    public Void call() throws Exception {
      if (claimed.compareAndSet(false, true)) chosen = waiting.take(own);
      Intent intent = chosen;
      if (intent != null) intent.run(); // null: the task was ended from outside before it started
      return null;
    }

    /** Whether the task ended before it first started; then one waiting intent of its kind is dropped and logged. */
    boolean endedUnstarted(Throwable why) {
      if (!claimed.compareAndSet(false, true)) return false;
      waiting.neverStarted(own, why);
      return true;
    }
  }

  static TaskOptions taskOptions(Intent intent) {
    return taskOptions(intent, true);
  }

  private static TaskOptions taskOptions(Intent intent, boolean withRetry) {
    TaskOptions.Builder options = TaskOptions.builder().name(intent.name());
    intent.queue().ifPresent(options::lane);
    if (withRetry) intent.retry().ifPresent(options::retry);
    intent.timeout().ifPresent(options::timeout);
    return options.build();
  }

  /**
   * The options of one attempt at {@code intent} as a task of an {@link AsyncExecutor}: named after the intent, its
   * {@link Intent#QUEUE} as the lane and its {@link Intent#TIMEOUT} as the timeout; {@link Intent#RETRY} is left to
   * whoever retries attempts (a job engine). What {@link #runAttempt} runs with.
   *
   * @param intent the intent
   * @return the task options of one attempt
   */
  public static TaskOptions attemptOptions(Intent intent) {
    return taskOptions(Checks.notNull(intent, "intent"), false);
  }

  /**
   * Runs one attempt at {@code intent} now, as a blocking task of {@code executor} under its limits, and waits for
   * it: what a job engine's own thread does with each intent it takes (from an execution of
   * {@link #executionPool}, use {@link #runAttemptInPool}, which needs no task of its own). {@link Intent#QUEUE} is
   * the task's lane and {@link Intent#TIMEOUT} its timeout; {@link Intent#RETRY} is left to the caller, whose job
   * engine retries.
   *
   * @param executor where the intent runs
   * @param intent the intent
   * @throws Exception            what the attempt failed with: the handler's own exception, a {@code TimeoutException},
   *                              or the executor's refusal
   * @throws InterruptedException if the waiting thread is interrupted; the task is cancelled
   */
  public static void runAttempt(AsyncExecutor executor, Intent intent) throws Exception {
    Checks.notNull(executor, "executor");
    Checks.notNull(intent, "intent");
    CompletableFuture<Void> attempt = submitAttempt(executor, intent);
    try {
      attempt.get();
    } catch (InterruptedException e) {
      attempt.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) throw exception;
      if (cause instanceof Error error) throw error;
      throw e;
    }
  }

  /** Submits one attempt at {@code intent} as a blocking task of {@code executor}, with {@link #attemptOptions}. */
  private static CompletableFuture<Void> submitAttempt(AsyncExecutor executor, Intent intent) {
    return executor.submitBlocking(() -> {
      intent.run();
      return null;
    }, taskOptions(intent, false));
  }

  /**
   * A job engine's pool for executions made of {@code executor}'s blocking tasks: each runnable given to it is one
   * blocking task of the executor, under its {@code maxWorkers}, so the engine's executions (and the handlers they run,
   * with {@link #runAttemptInPool}) take the executor's worker slots without a hand-off of their own. Give it to the
   * job engine as its execution pool (db-scheduler's {@code executorService}, a JobRunr worker policy). Shutting the
   * pool down stops it taking executions and waits for those it started ({@code shutdownNow} interrupts them); it
   * never shuts {@code executor} down, which belongs to the application. An execution the executor refuses (shut
   * down, or its queue full) is a {@link java.util.concurrent.RejectedExecutionException}.
   *
   * @param executor whose blocking tasks run the executions
   * @return the pool
   * @throws NullPointerException if {@code executor} is null
   */
  public static ExecutorService executionPool(AsyncExecutor executor) {
    return new ExecutionPool(Checks.notNull(executor, "executor"));
  }

  /**
   * Runs one attempt at {@code intent} from an execution of {@link #executionPool executionPool(executor)}, whose
   * thread already holds one of the executor's worker slots: in place when the intent has no {@link Intent#QUEUE}
   * and no {@link Intent#TIMEOUT}; else as a task of its own ({@link #attemptOptions}), waited for with
   * {@link AsyncExecutor#runBlocking}, which lends this execution's slot to it, so executions waiting for lanes can
   * never take every slot their tasks need. {@link Intent#RETRY} is left to the caller, whose job engine retries.
   *
   * @param executor the executor whose execution pool runs the calling thread
   * @param intent the intent
   * @throws Exception what the attempt failed with: the handler's own exception, or a {@code TimeoutException}; a
   *                   {@link java.util.concurrent.CancellationException} if the waiting thread is interrupted (the job
   *                   engine stops), with the task cancelled and the interrupt status kept
   */
  public static void runAttemptInPool(AsyncExecutor executor, Intent intent) throws Exception {
    Checks.notNull(executor, "executor");
    Checks.notNull(intent, "intent");
    if (intent.queue().isEmpty() && intent.timeout().isEmpty()) {
      intent.run();
      return;
    }
    try {
      executor.runBlocking(() -> submitAttempt(executor, intent));
    } catch (CompletionException wrapped) { // a checked failure of the attempt: the handler's own, or its timeout
      if (wrapped.getCause() instanceof Exception failure) throw failure;
      throw wrapped;
    }
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
