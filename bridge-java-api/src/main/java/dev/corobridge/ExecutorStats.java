// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * A snapshot of an executor's counters, from {@link AsyncExecutor#stats()}.
 *
 * <p>Each item of a {@code map}, {@code mapBlocking} or {@code mapIter} counts as one task.
 * Counters are read without stopping the executor, so while tasks are moving the fields may be
 * a few events apart; once the executor is quiescent they balance exactly:
 * {@code submitted == succeeded + failed + cancelled} and {@code running == queued == 0}.
 *
 * @param submitted tasks accepted so far
 * @param running   tasks holding a worker slot now
 * @param queued    accepted tasks neither finished nor holding a worker slot (waiting for a slot,
 *                  a lane, a semaphore permit, or in retry back-off)
 * @param succeeded tasks that completed with a value
 * @param failed    tasks that completed with an exception (timeouts included)
 * @param cancelled tasks that were cancelled
 * @param retried   retry attempts made (not counting first attempts)
 */
public record ExecutorStats(long submitted, long running, long queued, long succeeded,
                            long failed, long cancelled, long retried) {}
