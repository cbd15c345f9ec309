// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.IntentHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A worker JVM of {@link MultiProcessWorkersTest}: runs the intents named {@code effect}, each of which logs
 * the run in {@code runs} (key, worker, attempt) and then records its key once in the table {@code effects} (a
 * second run of the same intent changes nothing there), with which worker did it. Prints {@code ready} once it takes intents; stops gracefully when its standard input closes.
 * Arguments: the JDBC URL, the worker's name.
 */
public final class WorkerProcess {
  private WorkerProcess() {}

  public static void main(String[] args) throws Exception {
    String name = args[1];
    DataSource database = Databases.pooled(args[0], name);
    IntentHandlers.register("effect", intent -> {
      try (Connection connection = database.getConnection();
           PreparedStatement run = connection.prepareStatement("insert into runs (effect_key, worker, attempt) values (?, ?, ?)");
           PreparedStatement effect = connection.prepareStatement(
               "insert into effects (effect_key, worker) values (?, ?) on conflict (effect_key) do nothing")) {
        run.setString(1, intent.key().orElseThrow());
        run.setString(2, name);
        run.setInt(3, intent.attempt());
        run.executeUpdate();
        Thread.sleep(30); // long enough that a kill -9 the test times by this row lands mid-run
        effect.setString(1, intent.key().orElseThrow());
        effect.setString(2, name);
        effect.executeUpdate();
      }
    });
    try (AsyncExecutor executor = AsyncExecutor.builder().name(name).maxWorkers(8).build();
         DbSchedulerIntentWorker worker = DbSchedulerIntentWorker.builder(database).executor(executor).name(name).threads(8)
             .pollingInterval(Duration.ofMillis(100)).heartbeat(Duration.ofMillis(250), 4).build().start()) {
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() != -1) {
        // runs until the test closes our input, or kills us
      }
    }
  }
}
