// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.IntentCodec;
import java.time.Duration;
import java.util.Objects;
import org.jobrunr.dashboard.JobRunrDashboardWebServer;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * Runs the intents a {@link JobRunrIntentExecutor} enqueued, in this process: a JobRunr background job server on
 * the shared storage whose jobs decode each intent and run the handler registered for its name
 * ({@link IntentJobRequestHandler}) — on an {@link AsyncExecutor} when one is given: then each job runs as one of its
 * blocking tasks (JobRunr's workers are the executor's, under its {@code maxWorkers}; the handler runs on that thread,
 * with no hand-off), and an intent with a {@link dev.corobridge.intent.Intent#QUEUE} (its lane) or a
 * {@link dev.corobridge.intent.Intent#TIMEOUT} (bounding each attempt) runs as a task of its own, to which the job
 * lends its slot. Optionally serves JobRunr's
 * dashboard, where each intent shows by how it reads. A server that dies is noticed by the others after four
 * poll intervals; the jobs it was running then run again, without spending the intent's retries (at least once:
 * handlers use the intent's key to take effect once).
 */
public final class JobRunrIntentWorker implements AutoCloseable {
  private final BackgroundJobServer server;
  private final JobRunrDashboardWebServer dashboard;

  private JobRunrIntentWorker(Builder builder) {
    JsonMapper json = new JacksonJsonMapper();
    builder.storage.setJobMapper(new JobMapper(json));
    IntentJobRequestHandler handler = new IntentJobRequestHandler(builder.codec, builder.executor);
    BackgroundJobServerConfiguration configuration = BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
        .andPollInterval(builder.pollInterval);
    if (builder.executor == null) {
      configuration.andWorkerCount(builder.workers);
    } else {
      configuration.andBackgroundJobServerWorkerPolicy(new ExecutorWorkerPolicy(builder.executor, builder.workers));
    }
    if (builder.name != null) configuration.andName(builder.name);
    this.server = new BackgroundJobServer(builder.storage, json, new org.jobrunr.server.JobActivator() {
      @Override
      public <T> T activateJob(Class<T> type) {
        return type == IntentJobRequestHandler.class ? type.cast(handler) : null;
      }
    }, configuration);
    server.setJobFilters(java.util.List.of(new OrphanRevival()));
    this.dashboard = builder.dashboardPort < 0 ? null : new JobRunrDashboardWebServer(builder.storage, json, builder.dashboardPort);
  }

  /**
   * Starts building a worker on {@code storage}.
   *
   * @param storage JobRunr's storage, shared with the producers
   * @return a builder
   * @throws NullPointerException if {@code storage} is null
   */
  public static Builder builder(StorageProvider storage) {
    return new Builder(Objects.requireNonNull(storage, "storage"));
  }

  /**
   * Starts running intents (and serving the dashboard, if asked for).
   *
   * @return this worker
   */
  public JobRunrIntentWorker start() {
    server.start();
    if (dashboard != null) dashboard.start();
    return this;
  }

  /** Stops running intents; JobRunr waits for those running, then interrupts them. */
  @Override
  public void close() {
    if (dashboard != null) dashboard.stop();
    server.stop();
  }

  @Override
  public String toString() {
    return "JobRunrIntentWorker[" + server + "]";
  }

  /** Builds a {@link JobRunrIntentWorker}. */
  public static final class Builder {
    private final StorageProvider storage;
    private IntentCodec codec = IntentCodec.standard();
    private AsyncExecutor executor;
    private String name;
    private int workers = 10;
    private Duration pollInterval = Duration.ofSeconds(15);
    private int dashboardPort = -1;

    private Builder(StorageProvider storage) {
      this.storage = storage;
    }

    /**
     * How intents were made data; the standard codec by default, as the producers'.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(IntentCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Runs the handlers as blocking tasks of {@code executor}, under its limits and lanes; by default they run on
     * JobRunr's worker threads.
     *
     * @param executor where the handlers run
     * @return this builder
     */
    public Builder executor(AsyncExecutor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * This server's name on the dashboard; the host name by default.
     *
     * @param name the server's name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * How many intents this worker runs at once at most; 10 by default.
     *
     * @param workers JobRunr's worker count, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code workers < 1}
     */
    public Builder workers(int workers) {
      if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, was " + workers);
      this.workers = workers;
      return this;
    }

    /**
     * How often the storage is looked at for work; 15 s by default, and at least 5 s (JobRunr's floor with SQL storage).
     *
     * @param interval the poll interval, {@code >= 5 s}
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is under 5 seconds
     */
    public Builder pollInterval(Duration interval) {
      if (Objects.requireNonNull(interval, "interval").compareTo(Duration.ofSeconds(5)) < 0) {
        throw new IllegalArgumentException("interval must be at least 5 s (JobRunr's floor), was " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Also serves JobRunr's dashboard on {@code port} (on every interface, as JobRunr does).
     *
     * @param port the dashboard's port, 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder dashboard(int port) {
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
      this.dashboardPort = port;
      return this;
    }

    /**
     * Builds the worker; {@link JobRunrIntentWorker#start()} starts it.
     *
     * @return the worker
     */
    public JobRunrIntentWorker build() {
      return new JobRunrIntentWorker(this);
    }
  }
}
