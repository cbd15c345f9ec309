// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutors;
import dev.corobridge.intent.IntentHandlers;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import javax.sql.DataSource;

/**
 * Runs the intents a {@link DbSchedulerIntentExecutor} stored, in this process: a db-scheduler
 * {@link Scheduler} on the same table, whose one task decodes each intent and runs the handler registered for
 * its name ({@link IntentHandlers}) — on an {@link AsyncExecutor} when one is given, else on the scheduler's
 * threads. With an executor, each execution is one of its blocking tasks (under its {@code maxWorkers}; the handler
 * runs on that thread, with no hand-off), and an intent with a {@link Intent#QUEUE} (its lane) or a
 * {@link Intent#TIMEOUT} (bounding each attempt) runs as a task of its own, to which the execution lends its slot. Any number of workers, in any number of processes, share the table; each intent runs on one of them.
 *
 * <p>The handler gets the intent with its {@link Intent#KEY} (the stored instance's id) and its
 * {@link Intent#ATTEMPT}, so it can make its effect happen once although an intent may run more than once (a
 * retry, or a worker that died mid-run). A failed attempt is retried as the intent's {@link Intent#RETRY} policy
 * says, after the policy's back-off (db-scheduler reschedules the instance; no thread waits); without a policy, or
 * when it says no, the intent is removed and logged as failed. An intent whose name has no handler on this worker
 * is removed and logged at once, never retried. A worker that dies mid-run stops renewing its heartbeat; after
 * {@code missedHeartbeatsLimit} missed beats another worker runs the intent again.
 *
 * <p>{@link #close()} stops taking intents and waits for those running (up to {@code shutdownMaxWait}); intents it
 * did not finish are run again by another worker once their heartbeat is stale.
 */
public final class DbSchedulerIntentWorker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.corobridge.dbscheduler");

  private final Scheduler scheduler;
  private final IntentCodec codec;
  private final AsyncExecutor executor;
  private final String name;

  private DbSchedulerIntentWorker(Builder builder) {
    this.codec = builder.codec;
    this.executor = builder.executor;
    this.name = builder.name;
    OneTimeTask<Map<String, Object>> task = Tasks.oneTime(IntentTask.DESCRIPTOR)
        .onFailure(this::failed)
        .onDeadExecutionRevive()
        .execute(this::run);
    var scheduler = Scheduler.create(builder.dataSource, task)
        .serializer(IntentTask.serializer())
        .jdbcCustomization(IntentTask.jdbcFor(builder.dataSource))
        .tableName(builder.tableName)
        .enablePriority()
        .threads(builder.threads)
        .pollingInterval(builder.pollingInterval)
        .heartbeatInterval(builder.heartbeatInterval)
        .missedHeartbeatsLimit(builder.missedHeartbeatsLimit)
        .shutdownMaxWait(builder.shutdownMaxWait);
    if (builder.name != null) scheduler.schedulerName(new SchedulerName.Fixed(builder.name));
    if (builder.executor != null) scheduler.executorService(IntentExecutors.executionPool(builder.executor));
    this.scheduler = scheduler.build();
  }

  /**
   * Starts building a worker on the database of {@code dataSource}.
   *
   * @param dataSource the database db-scheduler's table is in
   * @return a builder
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Starts taking intents.
   *
   * @return this worker
   */
  public DbSchedulerIntentWorker start() {
    scheduler.start();
    return this;
  }

  /** Stops taking intents and waits for those running, up to the builder's {@code shutdownMaxWait}. */
  @Override
  public void close() {
    scheduler.stop();
  }

  private void run(TaskInstance<Map<String, Object>> instance, ExecutionContext context) {
    Intent intent = decode(instance.getData()).withOption(Intent.ATTEMPT, context.getExecution().consecutiveFailures + 1);
    if (IntentHandlers.find(intent.name()).isEmpty()) throw new NoHandlerException(intent);
    try {
      if (executor == null) {
        intent.run(); // on the scheduler's thread
      } else {
        IntentExecutors.runAttemptInPool(executor, intent); // on the executor's, where this execution runs already
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the scheduler is stopping: another worker runs it again
      throw new CancellationException("the worker stopped while " + intent + " ran");
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  private static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException runtime) return runtime;
    if (failure instanceof Error error) throw error;
    return new IntentFailedException(failure);
  }

  private Intent decode(Map<String, Object> data) {
    return codec.decode(data);
  }

  /** Retries as the intent's policy says; else removes it and logs why. */
  private void failed(ExecutionComplete complete, ExecutionOperations<Map<String, Object>> operations) {
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) complete.getExecution().taskInstance.getData();
    Throwable cause = complete.getCause().orElse(null);
    Throwable failure = cause instanceof IntentFailedException wrapped ? wrapped.getCause() : cause;
    int attempt = complete.getExecution().consecutiveFailures + 1;
    Intent intent;
    try {
      intent = decode(data);
    } catch (RuntimeException undecodable) {
      LOG.log(Level.ERROR, "an intent stored as " + complete.getExecution().taskInstance.getId()
          + " could not be read; removed: " + undecodable.getMessage(), undecodable);
      operations.stop();
      return;
    }
    if (failure instanceof NoHandlerException) {
      LOG.log(Level.ERROR, failure.getMessage());
      operations.stop();
      return;
    }
    long backOff = failure == null ? -1 : intent.retry().orElse(RetryPolicy.none()).retryDelayNanos(attempt, null, failure);
    if (backOff >= 0) {
      LOG.log(Level.WARNING, "intent " + intent + " (key " + intent.key().orElse("?") + ") failed at attempt " + attempt
          + "; tried again in " + Duration.ofNanos(backOff), failure);
      operations.reschedule(complete, Instant.now().plusNanos(backOff));
    } else {
      LOG.log(Level.ERROR, "intent " + intent + " (key " + intent.key().orElse("?") + ") failed at attempt " + attempt
          + " and is not tried again; removed", failure);
      operations.stop();
    }
  }

  @Override
  public String toString() {
    return "DbSchedulerIntentWorker[" + (name != null ? name : "unnamed") + (executor != null ? ", on " + executor : "") + "]";
  }

  /** An intent whose name no handler is registered under on this worker. */
  static final class NoHandlerException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NoHandlerException(Intent intent) {
      super("no handler is registered for intent \"" + intent.name() + "\" on this worker; " + intent + " (key "
          + intent.key().orElse("?") + ") is removed, not tried again: register it with IntentHandlers.register(\""
          + intent.name() + "\", ...) on every worker");
    }
  }

  /** Carries a checked exception of a handler through db-scheduler, which takes unchecked ones. */
  static final class IntentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IntentFailedException(Throwable cause) {
      super(cause);
    }
  }

  /** Builds a {@link DbSchedulerIntentWorker}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tableName = DbSchedulerTables.DEFAULT_TABLE;
    private IntentCodec codec = IntentCodec.standard();
    private AsyncExecutor executor;
    private String name;
    private int threads = 10;
    private Duration pollingInterval = Duration.ofSeconds(1);
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private int missedHeartbeatsLimit = 6;
    private Duration shutdownMaxWait = Duration.ofSeconds(30);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The table db-scheduler keeps its executions in; {@code scheduled_tasks} by default.
     *
     * @param tableName the table's name
     * @return this builder
     */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * How intents were made data; the standard codec by default, as the producers'.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(IntentCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Runs the handlers as blocking tasks of {@code executor}, under its limits and lanes; by default they run on
     * the scheduler's threads.
     *
     * @param executor where the handlers run
     * @return this builder
     */
    public Builder executor(AsyncExecutor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * This worker's name among the workers, as db-scheduler records who picked an intent; the host name by default.
     *
     * @param name the worker's name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * How many intents this worker runs at once at most; 10 by default.
     *
     * @param threads the scheduler's threads, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public Builder threads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      this.threads = threads;
      return this;
    }

    /**
     * How often the table is looked at for due intents; 1 s by default.
     *
     * @param interval the polling interval, {@code > 0}
     * @return this builder
     */
    public Builder pollingInterval(Duration interval) {
      this.pollingInterval = positive(interval, "interval");
      return this;
    }

    /**
     * How often a running intent's heartbeat is renewed, and how many beats may be missed before another worker
     * takes the intent as dead and runs it again; 5 s and 6 by default.
     *
     * @param interval the heartbeat interval, {@code > 0}
     * @param missedLimit the beats a live worker never misses, {@code >= 4} (db-scheduler's floor)
     * @return this builder
     */
    public Builder heartbeat(Duration interval, int missedLimit) {
      this.heartbeatInterval = positive(interval, "interval");
      if (missedLimit < 4) throw new IllegalArgumentException("missedLimit must be at least 4, was " + missedLimit);
      this.missedHeartbeatsLimit = missedLimit;
      return this;
    }

    /**
     * How long {@link #close()} waits for the intents running; 30 s by default.
     *
     * @param wait the longest wait, {@code >= 0}
     * @return this builder
     */
    public Builder shutdownMaxWait(Duration wait) {
      if (Objects.requireNonNull(wait, "wait").isNegative()) throw new IllegalArgumentException("wait must be >= 0, was " + wait);
      this.shutdownMaxWait = wait;
      return this;
    }

    private static Duration positive(Duration value, String name) {
      if (Objects.requireNonNull(value, name).isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }

    /**
     * Builds the worker; {@link DbSchedulerIntentWorker#start()} starts it.
     *
     * @return the worker
     */
    public DbSchedulerIntentWorker build() {
      return new DbSchedulerIntentWorker(this);
    }
  }
}
