// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.IntentExecutors;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobSteward;
import org.jobrunr.server.configuration.BackgroundJobServerWorkerPolicy;
import org.jobrunr.server.strategy.BasicWorkDistributionStrategy;
import org.jobrunr.server.strategy.WorkDistributionStrategy;
import org.jobrunr.server.threadpool.JobRunrExecutor;

/**
 * JobRunr's workers made of an {@link AsyncExecutor}'s blocking tasks: each job the background job server starts
 * runs as one blocking task of the executor ({@link IntentExecutors#executionPool}), under its {@code maxWorkers}, so
 * a handler runs on the thread its job already has instead of being handed from JobRunr's thread to the executor and
 * waited for. The server takes at most {@code workers} jobs at a time, as with its own pool. Stopping waits for the
 * jobs running, up to JobRunr's grace period, then interrupts them; it never shuts the executor down.
 *
 * <p>JobRunr looks for new jobs each time a job ends, unless another thread is looking already (it tries a lock and
 * skips): jobs that end while the last look is still under way, and were the last to run, leave nobody to look again
 * until the next poll, seconds later, though jobs wait. So when the last job running here ends, this looks once more
 * (the server's own look, counted as a worker that starts and ends, so its count of busy workers stays true): a
 * look that finds jobs starts them, one that finds none ends the chain. At most one extra look per job.
 */
final class ExecutorWorkerPolicy implements BackgroundJobServerWorkerPolicy, JobRunrExecutor {
  private final int workers;
  private final ExecutorService pool;

  /** Jobs handed to the pool and not ended yet. */
  private final AtomicInteger running = new AtomicInteger();

  /** The server whose jobs run here, known once it asks for its strategy (before it starts any job). */
  private volatile BackgroundJobServer server;

  ExecutorWorkerPolicy(AsyncExecutor executor, int workers) {
    this.workers = workers;
    this.pool = IntentExecutors.executionPool(executor);
  }

  @Override
  public WorkDistributionStrategy toWorkDistributionStrategy(BackgroundJobServer server) {
    this.server = server;
    return new BasicWorkDistributionStrategy(server, workers);
  }

  @Override
  public JobRunrExecutor toJobRunrExecutor() {
    return this;
  }

  @Override
  public int getWorkerCount() {
    return workers;
  }

  @Override
  public void start() {
    // the executor runs already
  }

  @Override
  public void execute(Runnable job) {
    running.incrementAndGet();
    try {
      pool.execute(() -> {
        try {
          job.run();
        } finally {
          if (running.decrementAndGet() == 0) lookForJobsAgain();
        }
      });
    } catch (RuntimeException refused) {
      running.decrementAndGet();
      throw refused;
    }
  }

  /** The last job running here ended: the server looks for new jobs once more (see the class comment). */
  private void lookForJobsAgain() {
    BackgroundJobServer owner = server;
    if (owner == null || !owner.isRunning()) return;
    JobSteward steward = owner.getJobSteward();
    steward.notifyThreadOccupied();
    steward.notifyThreadIdle(); // looks for new jobs, unless a look is under way (which then finds them)
  }

  @Override
  public void stop(Duration gracePeriod) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
