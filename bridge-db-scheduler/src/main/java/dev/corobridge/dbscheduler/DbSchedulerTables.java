// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Creates db-scheduler's table where it is missing, for PostgreSQL and H2 (the schema db-scheduler documents,
 * with its priority column and indexes). Production databases usually get it from their migrations (Flyway,
 * Liquibase) instead; this is for the embedded default, tests and samples.
 */
public final class DbSchedulerTables {
  /** db-scheduler's default table name. */
  public static final String DEFAULT_TABLE = "scheduled_tasks";

  private DbSchedulerTables() {}

  /**
   * Creates the table {@value #DEFAULT_TABLE} if it does not exist.
   *
   * @param dataSource the database
   * @throws SQLException if the database cannot be reached or refuses the statements
   */
  public static void createIfMissing(DataSource dataSource) throws SQLException {
    createIfMissing(dataSource, DEFAULT_TABLE);
  }

  /**
   * Creates the table {@code tableName} if it does not exist.
   *
   * @param dataSource the database
   * @param tableName the table's name: letters, digits and underscores
   * @throws SQLException if the database cannot be reached or refuses the statements
   * @throws IllegalArgumentException if the name is not a plain identifier, or the database is neither PostgreSQL nor H2
   */
  public static void createIfMissing(DataSource dataSource, String tableName) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    if (!Objects.requireNonNull(tableName, "tableName").matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("tableName must be letters, digits and underscores, was " + tableName);
    }
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      if (exists(connection.getMetaData(), tableName)) return;
      boolean postgres = product.contains("postgres");
      if (!postgres && !product.contains("h2")) {
        throw new IllegalArgumentException("no schema for " + product + " here: create db-scheduler's table from its documentation");
      }
      String time = "timestamp with time zone";
      statement.execute("create table if not exists " + tableName + " ("
          + "task_name varchar(100) not null, task_instance varchar(100) not null, "
          + "task_data " + (postgres ? "bytea" : "blob") + ", execution_time " + time + " not null, "
          + "picked boolean not null, picked_by varchar(50), last_success " + time + ", last_failure " + time + ", "
          + "consecutive_failures int, last_heartbeat " + time + ", version bigint not null, priority smallint, "
          + "primary key (task_name, task_instance))");
      statement.execute("create index if not exists " + tableName + "_execution_time_idx on " + tableName + " (execution_time)");
      statement.execute("create index if not exists " + tableName + "_last_heartbeat_idx on " + tableName + " (last_heartbeat)");
      statement.execute("create index if not exists " + tableName + "_priority_execution_time_idx on " + tableName
          + " (priority desc, execution_time asc)");
      if (!connection.getAutoCommit()) connection.commit();
    }
  }

  private static boolean exists(DatabaseMetaData metaData, String tableName) throws SQLException {
    for (String name : new String[] {tableName, tableName.toUpperCase(Locale.ROOT), tableName.toLowerCase(Locale.ROOT)}) {
      try (ResultSet tables = metaData.getTables(null, null, name, new String[] {"TABLE"})) {
        if (tables.next()) return true;
      }
    }
    return false;
  }
}
