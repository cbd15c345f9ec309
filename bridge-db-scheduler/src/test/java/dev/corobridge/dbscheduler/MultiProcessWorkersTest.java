// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import static dev.corobridge.dbscheduler.Databases.await;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One producer (this JVM) and two worker JVMs on PostgreSQL: 2,000 intents enqueued in 200 transactions of which
 * a random third roll back, one worker killed with {@code kill -9} mid-run. Every committed intent's effect is
 * recorded exactly once, no rolled-back intent ever runs, and both workers did work.
 */
class MultiProcessWorkersTest {
  private static final int TRANSACTIONS = 200;
  private static final int PER_TRANSACTION = 10;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyCommittedIntentTakesEffectOnceAndNoRolledBackOneEverDoesThoughAWorkerIsKilledMidRun() throws Exception {
    DataSource database = Databases.postgres();
    long started = System.nanoTime();
    List<Process> workers = new ArrayList<>();
    try {
      workers.add(startWorker("worker-1"));
      workers.add(startWorker("worker-2"));

      DbSchedulerIntentExecutor outbox = DbSchedulerIntentExecutor.builder(database).build();
      Random random = new Random(42);
      Set<String> committed = new HashSet<>();
      Set<String> rolledBack = new HashSet<>();
      boolean killed = false;
      for (int t = 0; t < TRANSACTIONS; t++) {
        List<String> keys = new ArrayList<>();
        try (Connection connection = database.getConnection()) {
          connection.setAutoCommit(false);
          try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
            for (int i = 0; i < PER_TRANSACTION; i++) {
              String key = "effect-" + (t * PER_TRANSACTION + i);
              keys.add(key);
              Airlock.enqueue(Intent.named("effect").option(Intent.KEY, key).build());
            }
            scope.complete();
          }
          if (random.nextInt(3) == 0) {
            connection.rollback();
            rolledBack.addAll(keys);
          } else {
            connection.commit();
            committed.addAll(keys);
          }
        }
        if (!killed && effectsBy(database).getOrDefault("worker-1", 0) >= 50 && runningOnWorker1(database) > 0) {
          workers.get(0).destroyForcibly().waitFor(); // kill -9, mid-run
          killed = true;
          log(started, "killed worker-1 (kill -9) after transaction " + t + ", with " + effectsBy(database) + " effects");
        }
      }
      if (!killed) {
        await(() -> effectsBy(database).getOrDefault("worker-1", 0) >= 1 && runningOnWorker1(database) > 0,
            () -> "worker-1 did some work and runs some now");
        workers.get(0).destroyForcibly().waitFor();
      }

      log(started, committed.size() + " intents committed, " + rolledBack.size() + " rolled back");
      await(() -> effects(database).size() == committed.size(), () -> effects(database).size() + " of " + committed.size() + " effects");
      log(started, "every committed intent took effect: " + effectsBy(database));
      Set<String> effects = effects(database);
      assertEquals(committed, effects, "every committed intent took effect, each once (the key is unique)");
      assertTrue(rolledBack.stream().noneMatch(effects::contains), "no rolled-back intent ever ran");
      Map<String, Integer> byWorker = effectsBy(database);
      assertTrue(byWorker.getOrDefault("worker-1", 0) > 0 && byWorker.getOrDefault("worker-2", 0) > 0, "both workers did work: " + byWorker);
      int[] revived = new int[1];
      query(database, "select count(*) from runs r where r.worker = 'worker-2' and r.attempt > 1 and exists "
          + "(select 1 from runs d where d.worker = 'worker-1' and d.effect_key = r.effect_key)", rows -> revived[0] = rows.getInt(1));
      assertTrue(revived[0] > 0, "worker-2 ran again what worker-1 was running when it was killed");
      log(started, revived[0] + " intents that worker-1 was running when killed were run again by worker-2");
      await(() -> count(database, "scheduled_tasks") == 0, () -> "every intent's execution is removed once it ran");
      log(started, "the table is empty");
    } finally {
      for (Process worker : workers) {
        worker.getOutputStream().close(); // a graceful stop for the one still alive
        if (!worker.waitFor(30, TimeUnit.SECONDS)) worker.destroyForcibly();
      }
      log(started, "workers stopped");
    }
  }

  private static void log(long started, String what) {
    System.err.printf("[multi-process %5d ms] %s%n", (System.nanoTime() - started) / 1_000_000, what);
  }

  private static Process startWorker(String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
        Databases.postgresUrl(), name).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); !"ready".equals(line); line = output.readLine()) {
      if (line == null) throw new IllegalStateException(name + " ended before it was ready (exit " + process.waitFor() + ")");
      System.err.println(name + ": " + line); // its logging, before it is ready
    }
    return process;
  }

  private static Set<String> effects(DataSource database) {
    Set<String> keys = new HashSet<>();
    query(database, "select effect_key from effects", rows -> keys.add(rows.getString(1)));
    return keys;
  }

  /** Intents worker-1 has started and not finished: killed now, they are what worker-2 must run again. */
  private static int runningOnWorker1(DataSource database) {
    int[] running = new int[1];
    query(database, "select count(*) from runs r where r.worker = 'worker-1' and not exists "
        + "(select 1 from effects e where e.effect_key = r.effect_key)", rows -> running[0] = rows.getInt(1));
    return running[0];
  }

  private static Map<String, Integer> effectsBy(DataSource database) {
    Map<String, Integer> counts = new HashMap<>();
    query(database, "select worker, count(*) from effects group by worker", rows -> counts.put(rows.getString(1), rows.getInt(2)));
    return counts;
  }

  private static int count(DataSource database, String table) {
    int[] count = new int[1];
    query(database, "select count(*) from " + table, rows -> count[0] = rows.getInt(1));
    return count[0];
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
