// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.IntentExecutors;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jobrunr.server.BackgroundJobServer;
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
 */
final class ExecutorWorkerPolicy implements BackgroundJobServerWorkerPolicy, JobRunrExecutor {
  private final int workers;
  private final ExecutorService pool;

  ExecutorWorkerPolicy(AsyncExecutor executor, int workers) {
    this.workers = workers;
    this.pool = IntentExecutors.executionPool(executor);
  }

  @Override
  public WorkDistributionStrategy toWorkDistributionStrategy(BackgroundJobServer server) {
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
    pool.execute(job);
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
