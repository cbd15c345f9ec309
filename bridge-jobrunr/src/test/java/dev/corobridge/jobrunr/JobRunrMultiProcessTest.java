// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import static dev.corobridge.jobrunr.JobRunrIntentsContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentScope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One producer (this JVM) and two JobRunr worker JVMs on PostgreSQL: 500 intents in 50 units of work of which a
 * random third fail, one worker killed with {@code kill -9} mid-run. JobRunr delivers at least once and enqueues
 * after commit: every intent of a unit that ended well takes effect exactly once (its key is unique in the effects),
 * none of a failed unit does, and what the killed worker was running is run again by the other once JobRunr sees
 * it dead (four poll intervals), although the intents have no retries.
 */
class JobRunrMultiProcessTest {
  private static final int UNITS = 50;
  private static final int PER_UNIT = 10;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void everyIntentOfAUnitThatEndedWellTakesEffectOnceAndNoneOfAFailedOneThoughAWorkerIsKilledMidRun() throws Exception {
    DataSource database = PostgresJobRunrIntentsTest.fresh();
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table effects (effect_key varchar(100) primary key, worker varchar(50))");
      statement.execute("create table runs (effect_key varchar(100), worker varchar(50), attempt int)");
    }
    JobRunrIntentExecutor jobs = JobRunrIntentExecutor.on(SqlStorageProviderFactory.using(database)); // makes JobRunr's tables
    List<Process> workers = new ArrayList<>();
    try {
      workers.add(startWorker("worker-1"));
      workers.add(startWorker("worker-2"));
      Random random = new Random(7);
      Set<String> ended = new HashSet<>();
      Set<String> failed = new HashSet<>();
      for (int u = 0; u < UNITS; u++) {
        List<String> keys = new ArrayList<>();
        try (IntentScope scope = Airlock.scope(jobs)) {
          for (int i = 0; i < PER_UNIT; i++) {
            String key = "effect-" + (u * PER_UNIT + i);
            keys.add(key);
            Airlock.enqueue(Intent.named("effect").option(Intent.KEY, key).build());
          }
          if (random.nextInt(3) == 0) {
            failed.addAll(keys); // closed without complete(): discarded
          } else {
            scope.complete();
            ended.addAll(keys);
          }
        }
      }
      await(() -> effectsBy(database).getOrDefault("worker-1", 0) >= 5, () -> "worker-1 at work: " + effectsBy(database));
      workers.get(0).destroyForcibly().waitFor(); // kill -9, mid-run
      await(() -> effects(database).size() == ended.size(), () -> effects(database).size() + " of " + ended.size() + " effects");
      int[] revived = new int[1];
      query(database, "select count(*) from runs r where r.worker = 'worker-2' and r.attempt > 1 and exists "
          + "(select 1 from runs d where d.worker = 'worker-1' and d.effect_key = r.effect_key)", rows -> revived[0] = rows.getInt(1));
      System.err.println("[jobrunr multi-process] " + effectsBy(database) + "; " + revived[0] + " jobs of the killed worker run again");
      assertTrue(revived[0] > 0, "worker-2 ran again what worker-1 was running when it was killed");
      Set<String> effects = effects(database);
      assertEquals(ended, effects, "every intent of a unit that ended well took effect, each once");
      assertTrue(failed.stream().noneMatch(effects::contains), "no intent of a failed unit ever ran");
      Map<String, Integer> byWorker = effectsBy(database);
      assertTrue(byWorker.getOrDefault("worker-1", 0) > 0 && byWorker.getOrDefault("worker-2", 0) > 0, "both workers did work: " + byWorker);
    } finally {
      for (Process worker : workers) {
        worker.getOutputStream().close();
        if (!worker.waitFor(60, TimeUnit.SECONDS)) worker.destroyForcibly();
      }
    }
  }

  private static Process startWorker(String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JobRunrWorkerProcess.class.getName(),
        PostgresJobRunrIntentsTest.url(), name).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); !"ready".equals(line); line = output.readLine()) {
      if (line == null) throw new IllegalStateException(name + " ended before it was ready (exit " + process.waitFor() + ")");
      System.err.println(name + ": " + line);
    }
    return process;
  }

  private static Set<String> effects(DataSource database) {
    Set<String> keys = new HashSet<>();
    query(database, "select effect_key from effects", rows -> keys.add(rows.getString(1)));
    return keys;
  }

  private static Map<String, Integer> effectsBy(DataSource database) {
    Map<String, Integer> counts = new HashMap<>();
    query(database, "select worker, count(*) from effects group by worker", rows -> counts.put(rows.getString(1), rows.getInt(2)));
    return counts;
  }

  private interface Row {
    void read(ResultSet rows) throws SQLException;
  }

  private static void query(DataSource database, String sql, Row row) {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) row.read(rows);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
