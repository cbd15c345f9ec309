// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.TaskOptions;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentHandlers;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
    TaskOptions.Builder options = TaskOptions.builder().name(intent.name());
    intent.queue().ifPresent(options::lane);
    intent.timeout().ifPresent(options::timeout);
    CompletableFuture<Void> attempt = executor.submitBlocking(() -> {
      intent.run();
      return null;
    }, options.build());
    try {
      attempt.get();
    } catch (InterruptedException e) {
      attempt.cancel(true); // the server is stopping
      Thread.currentThread().interrupt();
      throw new CancellationException("the worker stopped while " + intent + " ran");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) throw exception;
      throw (Error) cause;
    }
  }
}
