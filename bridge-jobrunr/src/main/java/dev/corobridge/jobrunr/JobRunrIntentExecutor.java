// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutor;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * An {@link IntentExecutor} that enqueues each intent as a JobRunr job ({@link IntentJobRequest}), to be run by a
 * {@link JobRunrIntentWorker} in any process that shares the storage. The intent travels as data
 * ({@link IntentCodec}, JSON); one that does not encode fails at {@code enqueue} ({@link #validate}). Its
 * {@link Intent#KEY} names the job (a job id derived from it; a random one when none is given), so enqueueing the
 * same key again is a no-op; the job's name is the intent as it reads ({@code sendMail("a@b")}), which is what the
 * JobRunr dashboard shows. {@link Intent#DELAY} schedules the job; the count of the intent's {@link Intent#RETRY}
 * policy is the job's number of retries (0 without a policy), with JobRunr's own back-off between them.
 *
 * <p><b>After commit only.</b> JobRunr (OSS) writes jobs through its own storage connection, not the enqueuing
 * transaction's, so the intents are enqueued after the unit of work ended well: a crash between the commit and
 * the dispatch loses them, unlike {@code bridge-db-scheduler}'s outbox. {@link Intent#PRIORITY} and
 * {@link Intent#QUEUE} are JobRunr Pro features: priority is ignored, and the queue is the lane of the worker's
 * {@code AsyncExecutor}.
 */
public final class JobRunrIntentExecutor implements IntentExecutor {
  private final JobRequestScheduler scheduler;
  private final IntentCodec codec;

  private JobRunrIntentExecutor(StorageProvider storage, IntentCodec codec) {
    storage.setJobMapper(new JobMapper(new JacksonJsonMapper()));
    this.scheduler = new JobRequestScheduler(storage);
    this.codec = codec;
  }

  /**
   * An executor that enqueues through {@code storage} with the standard codec.
   *
   * @param storage JobRunr's storage, shared with the workers ({@code SqlStorageProviderFactory.using(dataSource)})
   * @return the executor
   * @throws NullPointerException if {@code storage} is null
   */
  public static JobRunrIntentExecutor on(StorageProvider storage) {
    return on(storage, IntentCodec.standard());
  }

  /**
   * An executor that enqueues through {@code storage} with {@code codec}, which the workers must share.
   *
   * @param storage JobRunr's storage
   * @param codec how intents become data
   * @return the executor
   * @throws NullPointerException if an argument is null
   */
  public static JobRunrIntentExecutor on(StorageProvider storage, IntentCodec codec) {
    return new JobRunrIntentExecutor(Objects.requireNonNull(storage, "storage"), Objects.requireNonNull(codec, "codec"));
  }

  /**
   * Enqueues {@code intent} as a job, due after its delay; a no-op if a job of its key exists.
   *
   * @throws IllegalArgumentException if the intent does not encode
   * @throws RuntimeException         what JobRunr threw: the storage refused or could not be reached
   */
  @Override
  public void dispatch(Intent intent) {
    String key = intent.key().orElseGet(() -> UUID.randomUUID().toString());
    Intent keyed = intent.key().isPresent() ? intent : intent.withOption(Intent.KEY, key);
    JobBuilder job = JobBuilder.aJob()
        .withId(IntentJson.jobId(key))
        .withName(intent.toString())
        .withAmountOfRetries(intent.retry().map(policy -> policy.maxRetries()).orElse(0))
        .withJobRequest(new IntentJobRequest(IntentJson.write(codec, keyed)));
    Duration delay = intent.delay().orElse(Duration.ZERO);
    if (!delay.isZero()) job.scheduleIn(delay);
    scheduler.create(job);
  }

  /** Encodes {@code intent}: one that cannot be sent fails where it is enqueued. */
  @Override
  public void validate(Intent intent) {
    codec.encode(intent);
  }

  @Override
  public String toString() {
    return "JobRunrIntentExecutor[after commit]";
  }
}
