// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * One intent as a JobRunr job request: the intent as JSON ({@link dev.corobridge.intent.IntentCodec}), run by
 * {@link IntentJobRequestHandler} on whichever background job server picks it. Public with a no-argument
 * constructor because JobRunr stores and rebuilds it; applications do not make these themselves.
 */
public final class IntentJobRequest implements JobRequest {
  /** The intent as the JSON of its {@link dev.corobridge.intent.IntentCodec} form. */
  private String intent;

  /** For JobRunr, which rebuilds stored requests. */
  public IntentJobRequest() {}

  IntentJobRequest(String intent) {
    this.intent = intent;
  }

  /**
   * The intent, encoded as JSON.
   *
   * @return the intent's JSON
   */
  public String getIntent() {
    return intent;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class<? extends JobRequestHandler> getJobRequestHandler() {
    return IntentJobRequestHandler.class;
  }
}
