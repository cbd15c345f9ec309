// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutors;
import dev.corobridge.intent.IntentHandlers;
import java.util.concurrent.CancellationException;
import org.jobrunr.JobRunrException;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * Runs an {@link IntentJobRequest}: decodes the intent and runs the handler registered for its name, with its
 * {@link Intent#ATTEMPT} (JobRunr's failures so far, plus one), on the worker's {@link AsyncExecutor} if it has one.
 * An intent whose name has no handler here fails without retries. Made by {@link JobRunrIntentWorker}.
 */
public final class IntentJobRequestHandler implements JobRequestHandler<IntentJobRequest> {
  private final IntentCodec codec;
  private final AsyncExecutor executor;

  IntentJobRequestHandler(IntentCodec codec, AsyncExecutor executor) {
    this.codec = codec;
    this.executor = executor;
  }

  @Override
  public void run(IntentJobRequest request) throws Exception {
    Intent intent = IntentJson.read(codec, request.getIntent()).withOption(Intent.ATTEMPT, jobContext().amountOfFailures() + 1);
    if (IntentHandlers.find(intent.name()).isEmpty()) {
      throw new JobRunrException("no handler is registered for intent \"" + intent.name() + "\" on this worker; " + intent
          + " fails and is not tried again: register it with IntentHandlers.register(\"" + intent.name() + "\", ...) on every worker", true);
    }
    if (executor == null) {
      intent.run();
      return;
    }
    try {
      IntentExecutors.runAttemptInPool(executor, intent); // on the executor's thread, where this job runs already
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is stopping
      throw new CancellationException("the worker stopped while " + intent + " ran");
    }
  }
}
