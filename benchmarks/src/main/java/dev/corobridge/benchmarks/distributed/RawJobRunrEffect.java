// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks.distributed;

import javax.sql.DataSource;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * The unit of work of {@link DistributedThroughput}'s JobRunr contender without Corobridge: a plain JobRunr job
 * request carrying the effect's key, whose {@link Handler} inserts the row. Public with a no-argument constructor
 * because JobRunr stores and rebuilds it.
 */
public final class RawJobRunrEffect implements JobRequest {
  private String key;

  /** For JobRunr, which rebuilds stored requests. */
  public RawJobRunrEffect() {}

  RawJobRunrEffect(String key) {
    this.key = key;
  }

  /**
   * The effect's key.
   *
   * @return the key
   */
  public String getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class<? extends JobRequestHandler> getJobRequestHandler() {
    return Handler.class;
  }

  /** Inserts the effect's row; made by the worker JVM for its database. */
  public static final class Handler implements JobRequestHandler<RawJobRunrEffect> {
    private final DataSource database;

    Handler(DataSource database) {
      this.database = database;
    }

    @Override
    public void run(RawJobRunrEffect request) {
      ThroughputWorker.effect(database, request.getKey());
    }
  }
}
