// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.server.JobSteward;
import org.jobrunr.storage.InMemoryStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.junit.jupiter.api.Test;

/**
 * JobRunr skips its look for new jobs when a job ends while another look is under way, so jobs that end then, and
 * were the last to run, leave waiting jobs to the next poll: the policy looks once more when its last job ends.
 */
class ExecutorWorkerPolicyTest {

  @Test
  void whenTheLastJobRunningEndsTheServerLooksForNewJobsOnceMoreAndOnlyThen() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(4)) {
      CountingServer server = new CountingServer();
      ExecutorWorkerPolicy policy = new ExecutorWorkerPolicy(executor, 4);
      policy.toWorkDistributionStrategy(server);
      CountDownLatch started = new CountDownLatch(2);
      CountDownLatch endFirst = new CountDownLatch(1);
      CountDownLatch endSecond = new CountDownLatch(1);
      policy.execute(job(started, endFirst));
      policy.execute(job(started, endSecond));
      try {
        assertTrue(started.await(10, TimeUnit.SECONDS), "both jobs started");

        endFirst.countDown();
        waitUntil(() -> executor.stats().succeeded() == 1, "the first job ended");
        assertEquals(0, server.steward.looks.get(), "a job ended while another still runs: that one's end will look");

        endSecond.countDown();
        waitUntil(() -> server.steward.looks.get() == 1, "the server looked once the last job ended");
        waitUntil(() -> executor.stats().succeeded() == 2, "the second job ended");
        assertEquals(1, server.steward.looks.get(), "one look for the last job, none for the other");
        assertEquals(0, server.steward.busy.get(), "the look counted itself as a worker that started and ended");
      } finally {
        endFirst.countDown(); // a failed check must not leave a job waiting, or close() would wait for it
        endSecond.countDown();
      }
    }
  }

  @Test
  void aServerThatStoppedIsNotAskedToLookForJobs() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      CountingServer server = new CountingServer();
      server.running = false;
      ExecutorWorkerPolicy policy = new ExecutorWorkerPolicy(executor, 2);
      policy.toWorkDistributionStrategy(server);
      CountDownLatch started = new CountDownLatch(1);
      policy.execute(job(started, new CountDownLatch(0)));
      waitUntil(() -> executor.stats().succeeded() == 1, "the job ended");
      assertEquals(0, server.steward.looks.get());
    }
  }

  private static Runnable job(CountDownLatch started, CountDownLatch end) {
    return () -> {
      started.countDown();
      try {
        end.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
      Thread.sleep(1);
    }
  }

  /** A server that is never started: its steward counts the looks it is asked for and the workers it is told of. */
  private static final class CountingServer extends BackgroundJobServer {
    final CountingSteward steward = new CountingSteward(this);
    volatile boolean running = true;

    CountingServer() {
      super(new InMemoryStorageProvider(), new JacksonJsonMapper(), new JobActivator() {
        @Override
        public <T> T activateJob(Class<T> type) {
          return null;
        }
      }, BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration());
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public JobSteward getJobSteward() {
      return steward;
    }
  }

  private static final class CountingSteward extends JobSteward {
    final AtomicInteger looks = new AtomicInteger();
    final AtomicInteger busy = new AtomicInteger();

    CountingSteward(BackgroundJobServer server) {
      super(server);
    }

    @Override
    public void notifyThreadOccupied() {
      busy.incrementAndGet();
    }

    @Override
    public void notifyThreadIdle() {
      busy.decrementAndGet();
      looks.incrementAndGet(); // JobRunr's steward looks for new jobs here
    }
  }
}
