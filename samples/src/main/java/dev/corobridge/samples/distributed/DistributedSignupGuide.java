// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples.distributed;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.corobridge.dbscheduler.DbSchedulerIntentExecutor;
import dev.corobridge.dbscheduler.DbSchedulerTables;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentScope;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.h2.tools.Server;

/**
 * The sign-up service grown past one machine: sign-ups commit in this JVM, and their welcome mails are intents
 * stored in the same transaction (a db-scheduler outbox) and sent by worker JVMs ({@link SignupWorker}). A sign-up
 * that rolls back leaves no intent behind; each committed one's mail is sent once, by whichever worker picks it.
 * Over H2 in server mode by default (nothing to install), or over PostgreSQL given its JDBC URL.
 *
 * <pre>
 * java ... dev.corobridge.samples.distributed.DistributedSignupGuide --workers 2 [--jdbc-url jdbc:postgresql://...] [--signups 30]
 * </pre>
 */
public final class DistributedSignupGuide {
  /** What happened: sign-ups committed and rolled back, and the mails each worker sent. */
  public record Result(int committed, int rolledBack, Map<String, Integer> mailsByWorker) {
    /** All mails sent. */
    public int mails() {
      return mailsByWorker.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private DistributedSignupGuide() {}

  /** Runs the guide with the command line's settings and prints what happened. */
  public static void main(String[] args) throws Exception {
    int workers = 2;
    int signups = 30;
    String jdbcUrl = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--signups" -> signups = Integer.parseInt(args[++i]);
        case "--jdbc-url" -> jdbcUrl = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --workers N, --signups N, --jdbc-url URL");
      }
    }
    run(jdbcUrl, workers, signups, System.out::println);
  }

  /**
   * Signs {@code signups} users up, a third of them rolling back, with {@code workers} worker JVMs sending the mails.
   *
   * @param jdbcUrl the database, or {@code null} for H2 in server mode started here
   * @param workers how many worker JVMs, {@code >= 1}
   * @param signups how many sign-ups
   * @param report told what happens
   * @return what happened
   */
  public static Result run(String jdbcUrl, int workers, int signups, Consumer<String> report) throws Exception {
    if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    Server h2 = jdbcUrl == null ? Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start() : null;
    String url = jdbcUrl != null ? jdbcUrl : "jdbc:h2:tcp://localhost:" + h2.getPort() + "/mem:signups;DB_CLOSE_DELAY=-1";
    List<Process> started = new ArrayList<>();
    try (HikariDataSource database = pool(url, "signups")) {
      createTables(database);
      for (int i = 1; i <= workers; i++) started.add(startWorker(url, "worker-" + i));
      report.accept(workers + " worker JVMs on " + (h2 != null ? "H2 (server mode)" : url));

      DbSchedulerIntentExecutor outbox = DbSchedulerIntentExecutor.builder(database).build();
      int committed = 0;
      for (int i = 0; i < signups; i++) {
        String email = "user" + i + "@example.org";
        try (Connection connection = database.getConnection()) {
          connection.setAutoCommit(false);
          try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
            try (PreparedStatement insert = connection.prepareStatement("insert into accounts (email) values (?)")) {
              insert.setString(1, email);
              insert.executeUpdate();
            }
            Airlock.enqueue(Intent.named(SignupWorker.WELCOME_MAIL).args(email).option(Intent.KEY, "welcome-" + email).build());
            scope.complete();
          }
          if (i % 3 == 2) {
            connection.rollback(); // say, the payment step failed: no account, no mail
          } else {
            connection.commit();
            committed++;
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Map<String, Integer> mails = mailsByWorker(database);
      while (mails.values().stream().mapToInt(Integer::intValue).sum() < committed && System.nanoTime() < deadline) {
        Thread.sleep(50);
        mails = mailsByWorker(database);
      }
      Result result = new Result(committed, signups - committed, mails);
      report.accept(signups + " sign-ups: " + committed + " committed, " + result.rolledBack() + " rolled back; "
          + result.mails() + " welcome mails sent, each once, by " + mails);
      return result;
    } finally {
      for (Process worker : started) {
        worker.getOutputStream().close(); // a graceful stop
        if (!worker.waitFor(30, TimeUnit.SECONDS)) worker.destroyForcibly();
      }
      if (h2 != null) h2.stop();
    }
  }

  static HikariDataSource pool(String url, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(name);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  private static void createTables(DataSource database) throws SQLException {
    DbSchedulerTables.createIfMissing(database);
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table if not exists accounts (email varchar(200) primary key)");
      statement.execute("create table if not exists mails (mail_key varchar(200) primary key, email varchar(200), worker varchar(50))");
      statement.execute("delete from mails"); // the guide's own tables start empty, also on a database of yours
      statement.execute("delete from accounts");
    }
  }

  private static Map<String, Integer> mailsByWorker(DataSource database) throws SQLException {
    Map<String, Integer> counts = new TreeMap<>();
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("select worker, count(*) from mails group by worker")) {
      while (rows.next()) counts.put(rows.getString(1), rows.getInt(2));
    }
    return counts;
  }

  private static Process startWorker(String url, String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", classPath(), SignupWorker.class.getName(), url, name)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); !"ready".equals(line); line = output.readLine()) {
      if (line == null) throw new IllegalStateException(name + " ended before it was ready (exit " + process.waitFor() + ")");
      System.err.println(name + ": " + line); // its logging, before it is ready
    }
    return process;
  }

  /** This program's class path, also when it runs inside Maven ({@code exec:java}), whose JVM's class path is Maven's. */
  private static String classPath() throws URISyntaxException {
    List<String> entries = new ArrayList<>();
    for (ClassLoader loader = DistributedSignupGuide.class.getClassLoader(); loader != null; loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) entries.add(Path.of(url.toURI()).toString());
      }
    }
    return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
  }
}
