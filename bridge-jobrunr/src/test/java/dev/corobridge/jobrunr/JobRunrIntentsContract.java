// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentHandlers;
import dev.corobridge.intent.IntentScope;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Intents enqueued on JobRunr after their scope ended well and run by a background job server: the same behaviours
 * on every database ({@link H2JobRunrIntentsTest}, {@link PostgresJobRunrIntentsTest}). JobRunr polls every 5 s at
 * the fastest, so each test waits a few seconds.
 */
abstract class JobRunrIntentsContract {
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private DataSource database;
  private StorageProvider storage;
  private JobRunrIntentExecutor executor;

  /** A database without JobRunr's tables; JobRunr makes them. */
  protected abstract DataSource freshDatabase() throws SQLException;

  @BeforeEach
  void start() throws SQLException {
    database = freshDatabase();
    storage = SqlStorageProviderFactory.using(database);
    executor = JobRunrIntentExecutor.on(storage);
    IntentHandlers.register("welcomeMail", intent -> handled.add("welcome " + intent.arg(0) + " key=" + intent.key().orElseThrow()
        + " attempt=" + intent.attempt()));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) closeable.close();
    if (storage != null) storage.close(); // null when the database was not there (the PostgreSQL tests skipped)
    for (String name : List.of("welcomeMail", "flaky", "where")) IntentHandlers.unregister(name);
  }

  private JobRunrIntentWorker worker(JobRunrIntentWorker.Builder builder) {
    JobRunrIntentWorker worker = builder.pollInterval(Duration.ofSeconds(5)).build().start();
    toClose.add(worker);
    return worker;
  }

  private void enqueue(boolean succeed, Intent... intents) {
    try (IntentScope scope = Airlock.scope(executor)) {
      for (Intent intent : intents) Airlock.enqueue(intent);
      if (succeed) scope.complete();
    }
  }

  @Test
  void anIntentOfAScopeThatEndedWellRunsOnAWorkerWithItsKeyAndAttemptAndOneThatDidNotNever() throws Exception {
    enqueue(true, Intent.named("welcomeMail").args("a@b").option(Intent.KEY, "welcome-a@b").build());
    enqueue(false, Intent.named("welcomeMail").args("never@b").build());
    assertEquals(1, jobs("1 = 1"), "only the scope that ended well enqueued");
    worker(JobRunrIntentWorker.builder(storage));
    await(() -> handled.size() == 1, handled::toString);
    assertEquals(List.of("welcome a@b key=welcome-a@b attempt=1"), handled);
    await(() -> jobs("state = 'SUCCEEDED'") == 1, () -> "the job succeeded");
  }

  @Test
  void theSameKeyEnqueuedTwiceIsOneJobAndTheFirstOneStays() throws Exception {
    enqueue(true, Intent.named("welcomeMail").args("first@b").option(Intent.KEY, "same").build());
    enqueue(true, Intent.named("welcomeMail").args("second@b").option(Intent.KEY, "same").build());
    assertEquals(1, jobs("1 = 1"));
    assertEquals(1, jobs("jobasjson like '%first@b%'"), "the second enqueue did not replace the first intent");
    assertEquals(0, jobs("jobasjson like '%second@b%'"));
  }

  @Test
  void anIntentThatCannotBeSentFailsAtEnqueueNamingTheArgument() {
    try (IntentScope scope = Airlock.scope(executor)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Airlock.enqueue("welcomeMail", Instant.EPOCH));
      assertTrue(e.getMessage().startsWith("argument 0 of welcomeMail("), e.getMessage());
    }
  }

  @Test
  void aFailedIntentIsRetriedAsManyTimesAsItsPolicySaysAndOneWithoutAHandlerNever() throws Exception {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    IntentHandlers.register("flaky", intent -> {
      attempts.add(intent.attempt());
      if (intent.attempt() == 1) throw new IOException("smtp down");
    });
    enqueue(true, Intent.named("flaky").option(Intent.RETRY, RetryPolicy.exponential(1, Duration.ofSeconds(1))).build(),
        Intent.named("nobodyHandlesThis").option(Intent.RETRY, RetryPolicy.exponential(5, Duration.ofSeconds(1))).build());
    worker(JobRunrIntentWorker.builder(storage));
    await(() -> attempts.size() == 2, attempts::toString);
    assertEquals(List.of(1, 2), attempts);
    await(() -> jobs("state = 'FAILED'") == 1 && jobs("state = 'SUCCEEDED'") == 1,
        () -> "the flaky intent succeeded at its retry, the one without a handler failed");
  }

  @Test
  void handlersRunOnTheAsyncExecutorInTheIntentsLaneAndTheDashboardShowsTheJobs() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (AsyncExecutor executor = AsyncExecutor.builder().name("mailers").maxWorkers(2).lane("mail", 1).build()) {
      List<String> threads = new CopyOnWriteArrayList<>();
      IntentHandlers.register("where", intent -> threads.add(Thread.currentThread().getName()));
      enqueue(true, Intent.named("where").args("x").option(Intent.QUEUE, "mail").build());
      worker(JobRunrIntentWorker.builder(storage).executor(executor).dashboard(port));
      await(() -> threads.size() == 1, threads::toString);
      assertTrue(threads.get(0).startsWith("mailers"), threads.toString());
      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs?state=SUCCEEDED&offset=0&limit=20&order=updatedAt:DESC")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      await(() -> {
        try {
          return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/jobs?state=SUCCEEDED&offset=0&limit=20&order=updatedAt:DESC")).build(), HttpResponse.BodyHandlers.ofString())
              .body().contains("where(\\\"x\\\")");
        } catch (IOException | InterruptedException e) {
          return false;
        }
      }, () -> "the dashboard lists the job by how the intent reads");
    }
  }

  @Test
  void withAnExecutorEachJobRunsAsOneOfItsBlockingTasksAndTheHandlerRunsThereWithoutAHandOff() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("jobs").maxWorkers(1).build()) {
      List<String> threads = new CopyOnWriteArrayList<>();
      List<Boolean> inJobRunrsJob = new CopyOnWriteArrayList<>();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger mostAtOnce = new AtomicInteger();
      IntentHandlers.register("where", intent -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        threads.add(Thread.currentThread().getName());
        inJobRunrsJob.add(Arrays.stream(Thread.currentThread().getStackTrace())
            .anyMatch(frame -> frame.getClassName().startsWith("org.jobrunr.server.BackgroundJobPerformer")));
        Thread.sleep(50);
        running.decrementAndGet();
      });
      enqueue(true, Intent.named("where").args("a").build(), Intent.named("where").args("b").build(),
          Intent.named("where").args("c").build());
      worker(JobRunrIntentWorker.builder(storage).executor(executor).workers(4));
      await(() -> threads.size() == 3, threads::toString);
      assertTrue(threads.stream().allMatch(name -> name.startsWith("jobs")), threads.toString());
      assertEquals(List.of(true, true, true), inJobRunrsJob, "the handler ran inside JobRunr's job, on its thread");
      assertEquals(1, mostAtOnce.get(), "the executor's maxWorkers bounds the jobs");
      assertEquals(3, executor.stats().submitted(), "one task per job, none handed on");
    }
  }

  @Test
  void badArgumentsAreRefusedNamingTheParameter() {
    assertThrows(NullPointerException.class, () -> JobRunrIntentExecutor.on(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobRunrIntentWorker.builder(storage).workers(0));
    assertTrue(e.getMessage().contains("workers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobRunrIntentWorker.builder(storage).pollInterval(Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("at least 5 s"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobRunrIntentWorker.builder(storage).dashboard(0));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
  }

  private int jobs(String condition) {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("select count(*) from jobrunr_jobs where " + condition)) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what.get());
      Thread.sleep(50);
    }
  }
}
