// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import com.zaxxer.hikari.HikariDataSource;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.IntentHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;

/**
 * A worker JVM of {@link JobRunrMultiProcessTest}: runs the intents named {@code effect}, each of which logs the
 * run in {@code runs} and records its key once in {@code effects}, with which worker did it. Prints {@code ready}
 * once it runs intents; stops gracefully when its standard input closes. Arguments: the JDBC URL, the worker's name.
 */
public final class JobRunrWorkerProcess {
  private JobRunrWorkerProcess() {}

  public static void main(String[] args) throws Exception {
    String name = args[1];
    try (HikariDataSource database = PostgresJobRunrIntentsTest.pooled(args[0], name)) {
      IntentHandlers.register("effect", intent -> {
        try (Connection connection = database.getConnection();
             PreparedStatement run = connection.prepareStatement("insert into runs (effect_key, worker, attempt) values (?, ?, ?)");
             PreparedStatement effect = connection.prepareStatement(
                 "insert into effects (effect_key, worker) values (?, ?) on conflict (effect_key) do nothing")) {
          run.setString(1, intent.key().orElseThrow());
          run.setString(2, name);
          run.setInt(3, intent.attempt());
          run.executeUpdate();
          Thread.sleep(150); // long enough that one worker cannot drain the queue before the other's first poll, and a kill lands mid-run
          effect.setString(1, intent.key().orElseThrow());
          effect.setString(2, name);
          effect.executeUpdate();
        }
      });
      StorageProvider storage = SqlStorageProviderFactory.using(database);
      try (AsyncExecutor executor = AsyncExecutor.builder().name(name).maxWorkers(8).build();
           JobRunrIntentWorker worker = JobRunrIntentWorker.builder(storage).executor(executor).name(name).workers(8)
               .pollInterval(Duration.ofSeconds(5)).build().start()) {
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() != -1) {
          // runs until the test closes our input, or kills us
        }
      }
    }
  }
}
