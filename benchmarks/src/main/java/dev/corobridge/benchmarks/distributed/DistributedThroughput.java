// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks.distributed;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import dev.corobridge.dbscheduler.DbSchedulerIntentExecutor;
import dev.corobridge.dbscheduler.DbSchedulerTables;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentScope;
import dev.corobridge.jobrunr.JobRunrIntentExecutor;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * Distributed throughput, a timed harness (not JMH: the work spans processes): intents per second from the first
 * enqueue to the last handler's completion, with worker JVMs sharing one database, for Corobridge's db-scheduler
 * outbox ({@code corobridge}: intents enqueued in transactions of 10 through the outbox, run by
 * {@code DbSchedulerIntentWorker}s) beside db-scheduler on its own ({@code raw}: the same work as plain one-time
 * tasks scheduled with {@code SchedulerClient.scheduleBatch} in transactions of 10, run by db-scheduler
 * {@code Scheduler}s). With {@code --engine jobrunr}: Corobridge's JobRunr intents (units of 10 dispatched after they
 * end well, run by {@code JobRunrIntentWorker}s) beside JobRunr on its own (plain job requests created 10 at a time,
 * run by JobRunr {@code BackgroundJobServer}s), JobRunr polling every 5 s, its floor. Same worker threads, polling
 * interval and pools; each unit of work inserts one row. The two contenders alternate, so a slow spell of the machine
 * lands on both.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.corobridge.benchmarks.distributed.DistributedThroughput \
 *     [--jdbc-url jdbc:postgresql://...] [--engine db-scheduler|jobrunr] [--intents 5000] [--workers 2] [--rounds 2]
 * </pre>
 *
 * Without {@code --jdbc-url} it runs over H2 in server mode, started here.
 */
public final class DistributedThroughput {
  private static final int PER_TRANSACTION = 10;

  private DistributedThroughput() {}

  public static void main(String[] args) throws Exception {
    String url = null;
    int intents = 5_000;
    int workers = 2;
    int rounds = 2;
    String engine = "db-scheduler";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jdbc-url" -> url = args[++i];
        case "--intents" -> intents = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--engine" -> engine = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: [--jdbc-url URL] [--engine db-scheduler|jobrunr] [--intents N] [--workers N] [--rounds N]");
      }
    }
    if (!engine.equals("db-scheduler") && !engine.equals("jobrunr")) {
      throw new IllegalArgumentException("--engine must be db-scheduler or jobrunr, was " + engine);
    }
    Server h2 = null;
    if (url == null) {
      h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
      url = "jdbc:h2:tcp://localhost:" + h2.getPort() + "/mem:throughput;DB_CLOSE_DELAY=-1";
    }
    if (engine.equals("jobrunr") && url.startsWith("jdbc:postgresql:")) {
      // JobRunr's tables in a database of their own: JobRunr takes its tables in any schema (the tests') for its own
      try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
           ResultSet exists = statement.executeQuery("select 1 from pg_database where datname = 'jobrunr_throughput'")) {
        if (!exists.next()) statement.execute("create database jobrunr_throughput");
      }
      url = url.replaceFirst("^(jdbc:postgresql://[^/?]*)(/[^?]*)?", "$1/jobrunr_throughput");
    }
    try (HikariDataSource database = ThroughputWorker.pool(url, "producer", 4)) {
      StorageProvider jobRunr = null;
      if (engine.equals("jobrunr")) {
        jobRunr = SqlStorageProviderFactory.using(database); // makes JobRunr's tables
        jobRunr.setJobMapper(new JobMapper(new JacksonJsonMapper()));
      } else {
        DbSchedulerTables.createIfMissing(database);
      }
      try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("create table if not exists effects (effect_key varchar(64) primary key)");
      }
      System.out.printf(Locale.ROOT, "%s on %s, %d intents in units of %d, %d worker JVMs of %d threads, polling %d ms%n",
          engine, url.startsWith("jdbc:h2:") ? "H2 (server mode)" : url.replaceAll("\\?.*", ""), intents, PER_TRANSACTION,
          workers, ThroughputWorker.THREADS,
          (engine.equals("jobrunr") ? ThroughputWorker.JOBRUNR_POLLING : ThroughputWorker.POLLING).toMillis());
      for (int round = 1; round <= rounds; round++) {
        for (String mode : List.of("raw", "corobridge")) {
          double perSecond = run(database, jobRunr, url, engine, mode, intents, workers);
          System.out.printf(Locale.ROOT, "round %d  %-10s %8.0f per second%n", round, mode, perSecond);
        }
      }
      if (jobRunr != null) jobRunr.close();
    } finally {
      if (h2 != null) h2.stop();
    }
  }

  /** One measurement: workers started and ready, then the clock runs from the first enqueue to the last effect. */
  private static double run(HikariDataSource database, StorageProvider jobRunr, String url, String engine, String mode,
      int intents, int workers) throws Exception {
    clear(database, engine);
    List<Process> processes = new ArrayList<>();
    try {
      for (int w = 1; w <= workers; w++) processes.add(startWorker(url, engine, mode, mode + "-worker-" + w));
      long started = System.nanoTime();
      if (jobRunr != null) {
        if (mode.equals("corobridge")) produceJobRunrIntents(jobRunr, intents);
        else produceRawJobRunrJobs(jobRunr, intents);
      } else if (mode.equals("corobridge")) {
        produceIntents(database, intents);
      } else {
        produceRawTasks(database, url, intents);
      }
      long produced = System.nanoTime();
      while (count(database) < intents) {
        Thread.sleep(10);
        if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) throw new IllegalStateException(mode + ": not done in 10 minutes");
      }
      long done = System.nanoTime();
      if (Boolean.getBoolean("throughput.phases")) {
        System.out.printf(Locale.ROOT, "  %s: enqueued in %d ms, all run %d ms after%n", mode,
            TimeUnit.NANOSECONDS.toMillis(produced - started), TimeUnit.NANOSECONDS.toMillis(done - produced));
      }
      return intents / ((done - started) / 1e9);
    } finally {
      for (Process process : processes) process.getOutputStream().close(); // the workers stop
      for (Process process : processes) {
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
      }
    }
  }

  private static void produceIntents(HikariDataSource database, int intents) throws SQLException {
    DbSchedulerIntentExecutor outbox = DbSchedulerIntentExecutor.builder(database).build();
    for (int first = 0; first < intents; first += PER_TRANSACTION) {
      try (Connection connection = database.getConnection()) {
        connection.setAutoCommit(false);
        try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
          for (int i = first; i < Math.min(intents, first + PER_TRANSACTION); i++) {
            Airlock.enqueue(Intent.named("effect").args("e" + i).option(Intent.KEY, "e" + i).build());
          }
          scope.complete();
        }
        connection.commit();
      }
    }
  }

  private static void produceRawTasks(HikariDataSource database, String url, int intents) throws SQLException {
    var task = Tasks.oneTime("raw-effect", String.class).execute((instance, context) -> { });
    for (int first = 0; first < intents; first += PER_TRANSACTION) {
      try (Connection connection = database.getConnection()) {
        connection.setAutoCommit(false);
        var builder = SchedulerClient.Builder.create(SameConnection.of(connection), task);
        if (url.startsWith("jdbc:h2:")) builder.jdbcCustomization(new DefaultJdbcCustomization(false));
        SchedulerClient client = builder.build();
        List<TaskInstance<?>> batch = new ArrayList<>();
        for (int i = first; i < Math.min(intents, first + PER_TRANSACTION); i++) batch.add(task.instance("e" + i, "e" + i));
        client.scheduleBatch(batch, Instant.now());
        connection.commit();
      }
    }
  }

  /** Intents dispatched to JobRunr after each unit of 10 ended well, as an application would. */
  private static void produceJobRunrIntents(StorageProvider storage, int intents) {
    JobRunrIntentExecutor jobs = JobRunrIntentExecutor.on(storage);
    for (int first = 0; first < intents; first += PER_TRANSACTION) {
      try (IntentScope scope = Airlock.scope(jobs)) {
        for (int i = first; i < Math.min(intents, first + PER_TRANSACTION); i++) {
          Airlock.enqueue(Intent.named("effect").args("e" + i).option(Intent.KEY, "e" + i).build());
        }
        scope.complete();
      }
    }
  }

  /** Plain JobRunr jobs, each with an id of its key (so enqueueing it twice is one job, as an intent's key is). */
  private static void produceRawJobRunrJobs(StorageProvider storage, int intents) {
    JobRequestScheduler jobs = new JobRequestScheduler(storage);
    for (int i = 0; i < intents; i++) {
      String key = "e" + i;
      jobs.create(JobBuilder.aJob().withId(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)))
          .withJobRequest(new RawJobRunrEffect(key)));
    }
  }

  private static Process startWorker(String url, String engine, String mode, String name) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>(List.of(java, "-Dthroughput.noExecutor=" + Boolean.getBoolean("throughput.noExecutor")));
    String extra = System.getProperty("throughput.workerJvmArgs"); // e.g. a profiler's options; {name} is the worker's name
    if (extra != null) command.addAll(List.of(extra.replace("{name}", name).split(" ")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ThroughputWorker.class.getName(), url, mode, name, engine));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("ready")) {
      // the worker's own output before it is ready
    }
    if (line == null) throw new IllegalStateException(name + " ended before it was ready");
    return process;
  }

  private static void clear(HikariDataSource database, String engine) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("delete from effects");
      statement.execute(engine.equals("jobrunr") ? "delete from jobrunr_jobs" : "delete from scheduled_tasks");
    }
  }

  private static int count(HikariDataSource database) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("select count(*) from effects")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
