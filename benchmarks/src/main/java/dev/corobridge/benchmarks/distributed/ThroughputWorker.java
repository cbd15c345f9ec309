// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks.distributed;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.dbscheduler.DbSchedulerIntentWorker;
import dev.corobridge.intent.IntentHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A worker JVM of {@link DistributedThroughput}: runs intents ({@code corobridge}: a {@link DbSchedulerIntentWorker}
 * on an {@link AsyncExecutor}) or plain db-scheduler tasks ({@code raw}: db-scheduler's own {@link Scheduler}), each
 * doing the same work, a row in {@code effects}. Same threads, polling interval and pool either way. Prints
 * {@code ready} once it takes work and stops when its standard input closes. Arguments: the JDBC URL, the mode, the
 * worker's name.
 */
public final class ThroughputWorker {
  static final int THREADS = 8;
  static final Duration POLLING = Duration.ofMillis(100);

  private ThroughputWorker() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String mode = args[1];
    String name = args[2];
    try (HikariDataSource database = pool(url, name, THREADS + 4)) {
      AutoCloseable running;
      if (mode.equals("corobridge")) {
        IntentHandlers.register("effect", intent -> effect(database, (String) intent.arg(0)));
        AsyncExecutor executor = AsyncExecutor.builder().name(name).maxWorkers(THREADS).build();
        DbSchedulerIntentWorker.Builder builder = DbSchedulerIntentWorker.builder(database).name(name).threads(THREADS)
            .pollingInterval(POLLING);
        if (!Boolean.getBoolean("throughput.noExecutor")) builder.executor(executor);
        DbSchedulerIntentWorker worker = builder.build().start();
        running = () -> {
          worker.close();
          executor.close();
        };
      } else {
        OneTimeTask<String> task = Tasks.oneTime("raw-effect", String.class)
            .execute((instance, context) -> effect(database, instance.getData()));
        var builder = Scheduler.create(database, task).threads(THREADS).pollingInterval(POLLING).enablePriority()
            .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(name));
        if (url.startsWith("jdbc:h2:")) builder.jdbcCustomization(new DefaultJdbcCustomization(false)); // as the intent worker does
        Scheduler scheduler = builder.build();
        scheduler.start();
        running = () -> scheduler.stop();
      }
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() != -1) {
        // works until the harness closes our input
      }
      running.close();
    }
  }

  private static void effect(HikariDataSource database, String key) {
    try (Connection connection = database.getConnection();
         PreparedStatement insert = connection.prepareStatement("insert into effects (effect_key) values (?)")) {
      insert.setString(1, key);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static HikariDataSource pool(String url, String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }
}
