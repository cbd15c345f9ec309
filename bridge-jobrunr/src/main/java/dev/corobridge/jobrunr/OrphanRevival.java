// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import java.time.Instant;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;

/**
 * JobRunr's retries, plus: a job whose server died while it ran (JobRunr fails such an "orphaned" job, and would
 * retry it only within the job's retries, which are the intent's own: none without a retry policy) is run again at
 * once, up to {@value #MAX_REVIVALS} times. A worker's death is not the intent's failure, so it does not spend a
 * retry. It extends {@link RetryFilter} because a JobRunr server keeps one state-election filter only.
 */
final class OrphanRevival extends RetryFilter {
  static final int MAX_REVIVALS = 10;

  @Override
  public void onStateElection(Job job, JobState newState) {
    super.onStateElection(job, newState);
    if (!(newState instanceof FailedState failed) || !orphaned(failed) || job.getState() != StateName.FAILED) return;
    long revivals = job.getJobStatesOfType(FailedState.class).filter(OrphanRevival::orphaned).count();
    if (revivals <= MAX_REVIVALS) job.scheduleAt(Instant.now(), "its server died while it ran; run again (" + revivals + " of " + MAX_REVIVALS + ")");
  }

  private static boolean orphaned(FailedState state) {
    String type = state.getExceptionType();
    return type != null && type.endsWith("IllegalJobThreadStateException");
  }
}
