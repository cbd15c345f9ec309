// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  private DbSchedulerIntentExecutor(Builder builder, DataSource dataSource, JdbcCustomization jdbc) {
    this.dataSource = dataSource;
    this.tableName = builder.tableName;
    this.codec = builder.codec;
    this.outbox = builder.outbox;
    this.jdbc = jdbc;
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
   * Stores {@code intent} as a task instance, due after its delay, with one statement; a no-op if an instance of its
   * key exists.
   *
   * @throws IllegalArgumentException if the intent does not encode
   * @throws SQLException             if the database refused the statement or could not be reached
   */
  @Override
  public void dispatch(Intent intent) throws SQLException {
    dispatchBatch(List.of(intent));
  }

  /**
   * Stores the intents of one flush with one batched statement, so a transaction pays one extra statement round
   * trip for all its intents (db-scheduler's own {@code scheduleIfNotExists} costs two per intent, a select and an
   * insert): {@code insert ... on conflict do nothing} on PostgreSQL,
   * {@code merge ... when not matched} on other databases, so an intent whose key is stored already is still not
   * stored again (the first one written wins, within the batch too). All or none: a statement the database
   * refuses fails the batch, and in outbox mode the transaction.
   *
   * @return true: the batch was written
   * @throws IllegalArgumentException if an intent does not encode; nothing was written then
   * @throws SQLException             if the database refused the batch or could not be reached
   */
  @Override
  public boolean dispatchBatch(List<Intent> intents) throws SQLException {
    Instant now = Instant.now();
    List<Intent> keyed = new ArrayList<>(intents.size());
    List<byte[]> data = new ArrayList<>(intents.size());
    for (Intent intent : intents) { // encoded before anything is written
      Intent one = keyed(intent);
      keyed.add(one);
      data.add(IntentTask.serializer().serialize(new LinkedHashMap<>(codec.encode(one))));
    }
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert = connection.prepareStatement(insertIfAbsent(connection))) {
        for (int i = 0; i < keyed.size(); i++) {
          Intent intent = keyed.get(i);
          insert.setString(1, IntentTask.NAME);
          insert.setString(2, intent.key().orElseThrow());
          jdbc.setTaskData(insert, 3, data.get(i));
          jdbc.setInstant(insert, 4, dueTime(intent, now));
          insert.setInt(5, intent.priority().orElse(0));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    return true;
  }

  /** The statement that stores one task instance unless its key is stored already. */
  private String insertIfAbsent(Connection connection) throws SQLException {
    String columns = "task_name, task_instance, task_data, execution_time, picked, version, priority";
    if (connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
      return "insert into " + tableName + " (" + columns + ") values (?, ?, ?, ?, false, 1, ?) "
          + "on conflict (task_name, task_instance) do nothing";
    }
    return "merge into " + tableName + " t using (values (?, ?, ?, ?, ?)) "
        + "s (task_name, task_instance, task_data, execution_time, priority) "
        + "on t.task_name = s.task_name and t.task_instance = s.task_instance "
        + "when not matched then insert (" + columns + ") "
        + "values (s.task_name, s.task_instance, s.task_data, s.execution_time, false, 1, s.priority)";
  }

  /** The intent with a {@link Intent#KEY}: its own, or a random UUID. */
  private static Intent keyed(Intent intent) {
    return intent.key().isPresent() ? intent : intent.withOption(Intent.KEY, UUID.randomUUID().toString());
  }

  private static Instant dueTime(Intent intent, Instant now) {
    return now.plus(intent.delay().orElse(java.time.Duration.ZERO));
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
     * @param tableName the table's name: letters, digits and underscores, optionally {@code schema.table}
     * @return this builder
     * @throws IllegalArgumentException if the name is not a plain (optionally schema-qualified) identifier
     */
    public Builder tableName(String tableName) {
      if (!Objects.requireNonNull(tableName, "tableName").matches("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("tableName must be letters, digits and underscores, optionally after a schema "
            + "name and a dot, was " + tableName);
      }
      this.tableName = tableName;
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
