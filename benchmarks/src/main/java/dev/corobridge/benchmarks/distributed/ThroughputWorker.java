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
import dev.corobridge.jobrunr.JobRunrIntentWorker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * A worker JVM of {@link DistributedThroughput}: runs intents ({@code corobridge}: a {@link DbSchedulerIntentWorker}
 * or a {@link JobRunrIntentWorker} on an {@link AsyncExecutor}) or the job engine's plain jobs ({@code raw}:
 * db-scheduler's own {@link Scheduler}, or a JobRunr {@link BackgroundJobServer} running {@link RawJobRunrEffect}s),
 * each doing the same work, a row in {@code effects}. Same threads, polling interval and pool either way. Prints
 * {@code ready} once it takes work and stops when its standard input closes. Arguments: the JDBC URL, the mode, the
 * worker's name, the job engine ({@code db-scheduler} or {@code jobrunr}).
 */
public final class ThroughputWorker {
  static final int THREADS = 8;
  static final Duration POLLING = Duration.ofMillis(100);
  /** JobRunr's floor. */
  static final Duration JOBRUNR_POLLING = Duration.ofSeconds(5);

  private ThroughputWorker() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String mode = args[1];
    String name = args[2];
    try (HikariDataSource database = pool(url, name, THREADS + 4)) {
      AutoCloseable running;
      if (args.length > 3 && args[3].equals("jobrunr")) {
        running = jobRunr(database, mode, name);
      } else if (mode.equals("corobridge")) {
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

  /** A JobRunr server running intents ({@code corobridge}) or plain {@link RawJobRunrEffect} jobs ({@code raw}). */
  private static AutoCloseable jobRunr(HikariDataSource database, String mode, String name) {
    StorageProvider storage = SqlStorageProviderFactory.using(database);
    if (mode.equals("corobridge")) {
      IntentHandlers.register("effect", intent -> effect(database, (String) intent.arg(0)));
      AsyncExecutor executor = AsyncExecutor.builder().name(name).maxWorkers(THREADS).build();
      JobRunrIntentWorker.Builder builder = JobRunrIntentWorker.builder(storage).name(name).workers(THREADS)
          .pollInterval(JOBRUNR_POLLING);
      if (!Boolean.getBoolean("throughput.noExecutor")) builder.executor(executor);
      JobRunrIntentWorker worker = builder.build().start();
      return () -> {
        worker.close();
        executor.close();
        storage.close();
      };
    }
    JacksonJsonMapper json = new JacksonJsonMapper();
    storage.setJobMapper(new JobMapper(json));
    RawJobRunrEffect.Handler handler = new RawJobRunrEffect.Handler(database);
    BackgroundJobServer server = new BackgroundJobServer(storage, json, new JobActivator() {
      @Override
      public <T> T activateJob(Class<T> type) {
        return type == RawJobRunrEffect.Handler.class ? type.cast(handler) : null;
      }
    }, BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration().andName(name)
        .andWorkerCount(THREADS).andPollInterval(JOBRUNR_POLLING));
    server.start();
    return () -> {
      server.stop();
      storage.close();
    };
  }

  static void effect(DataSource database, String key) {
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
