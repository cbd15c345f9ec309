// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutor;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An {@link IntentExecutor} that stores each intent in db-scheduler's table as an instance of one task
 * ({@code corobridge-intent}), to be run by a {@link DbSchedulerIntentWorker} in any process that shares the
 * database. The intent travels as data ({@link IntentCodec}, JSON): its handler's name, its arguments and its
 * options; an intent that does not encode fails at {@code enqueue} ({@link #validate}). Its {@link Intent#KEY} is
 * the task instance's id, made up (a random UUID) when none is given: an intent whose key is stored already is
 * not stored again. {@link Intent#DELAY} sets the execution time and {@link Intent#PRIORITY} the instance's
 * priority; {@link Intent#QUEUE}, {@link Intent#RETRY} and {@link Intent#TIMEOUT} travel with it for the worker.
 *
 * <p><b>Outbox</b> (the default): the intents are written inside the transaction that enqueued them, so they are
 * stored if and only if it commits, and nothing is lost between a commit and a dispatch. A scope bound to a
 * transaction dispatches to an outbox executor before the commit ({@link #enlistsInTransaction()}). The rows are
 * written with the connection the {@code DataSource} gives while the transaction runs: with Spring, give it the
 * transaction's ({@code new TransactionAwareDataSourceProxy(dataSource)}); with plain JDBC, use
 * {@link #on(Connection)} for a scope around the work of one connection, and commit after the scope closed.
 * <b>After commit</b> ({@code outbox(false)}): for scopes that are not bound to the database's transactions; the
 * intents are written after the unit of work ended well, each in a transaction of its own, and a crash between
 * the two loses them. A database that is down fails the dispatch, and so the scope's flush (in outbox mode, the
 * transaction).
 */
public final class DbSchedulerIntentExecutor implements IntentExecutor {
  private final DataSource dataSource;
  private final String tableName;
  private final IntentCodec codec;
  private final boolean outbox;
  private final JdbcCustomization jdbc;
  private final SchedulerClient client;

  private DbSchedulerIntentExecutor(Builder builder, DataSource dataSource, JdbcCustomization jdbc) {
    this.dataSource = dataSource;
    this.tableName = builder.tableName;
    this.codec = builder.codec;
    this.outbox = builder.outbox;
    this.jdbc = jdbc;
    this.client = SchedulerClient.Builder.create(dataSource, Tasks.oneTime(IntentTask.DESCRIPTOR).execute((instance, context) -> {
          throw new IllegalStateException("a producer does not run intents");
        }))
        .serializer(IntentTask.serializer())
        .tableName(tableName)
        .enablePriority()
        .jdbcCustomization(jdbc)
        .build();
  }

  /**
   * Starts building an executor that writes to the database of {@code dataSource}.
   *
   * @param dataSource the database db-scheduler's table is in; in outbox mode, one that gives the enqueuing
   *                   transaction's connection
   * @return a builder
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * This executor, writing with {@code connection} and never committing it: for a scope around the work of one
   * plain JDBC transaction. Close the scope (which writes the intents), then commit the connection.
   *
   * <pre>{@code
   * connection.setAutoCommit(false);
   * try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
   *   insertUser(connection, email);
   *   Airlock.enqueue(Intent.named("welcomeMail").args(email).build());
   *   scope.complete();
   * }
   * connection.commit(); // the user and the mail's task, or neither
   * }</pre>
   *
   * @param connection the transaction's connection
   * @return an executor that writes with it
   */
  public DbSchedulerIntentExecutor on(Connection connection) {
    Builder same = new Builder(dataSource).tableName(tableName).codec(codec).outbox(true);
    return new DbSchedulerIntentExecutor(same, new SingleConnectionDataSource(Objects.requireNonNull(connection, "connection")), jdbc);
  }

  /**
   * Stores {@code intent} as a task instance, due after its delay; a no-op if an instance of its key exists.
   *
   * @throws IllegalArgumentException if the intent does not encode
   * @throws RuntimeException         what db-scheduler threw: the database refused or could not be reached
   */
  @Override
  public void dispatch(Intent intent) {
    Intent keyed = intent.key().isPresent() ? intent : intent.withOption(Intent.KEY, UUID.randomUUID().toString());
    Map<String, Object> data = new LinkedHashMap<>(codec.encode(keyed));
    Instant due = Instant.now().plus(intent.delay().orElse(java.time.Duration.ZERO));
    client.scheduleIfNotExists(IntentTask.DESCRIPTOR.instance(keyed.key().orElseThrow())
        .data(data)
        .priority(intent.priority().orElse(0))
        .scheduledTo(due));
  }

  /** Encodes {@code intent}: one that cannot be stored fails where it is enqueued. */
  @Override
  public void validate(Intent intent) {
    codec.encode(intent);
  }

  /** True in outbox mode: a scope bound to a transaction writes the intents before the commit, in it. */
  @Override
  public boolean enlistsInTransaction() {
    return outbox;
  }

  @Override
  public String toString() {
    return "DbSchedulerIntentExecutor[" + (outbox ? "outbox" : "after commit") + ", table " + tableName + "]";
  }

  /** Builds a {@link DbSchedulerIntentExecutor}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tableName = DbSchedulerTables.DEFAULT_TABLE;
    private IntentCodec codec = IntentCodec.standard();
    private boolean outbox = true;

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
     * How intents become data; the standard codec by default. The workers must use the same.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(IntentCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Whether intents are written in the enqueuing transaction (true, the default) or after it committed.
     *
     * @param outbox whether to write in the transaction
     * @return this builder
     */
    public Builder outbox(boolean outbox) {
      this.outbox = outbox;
      return this;
    }

    /**
     * Builds the executor.
     *
     * @return the executor
     */
    public DbSchedulerIntentExecutor build() {
      return new DbSchedulerIntentExecutor(this, dataSource, IntentTask.jdbcFor(dataSource));
    }
  }
}
