// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

/**
 * The one-line status every runtime's executor gives as its {@code toString()}, for instance
 * {@code AsyncExecutor[crawler, runtime=fallback, running, workers in use=3/32, queued=5/1024]}: name, runtime,
 * state ({@code running}, {@code shutting down}, {@code terminated}), workers in use of {@code maxWorkers}, and
 * tasks waiting to start, of the queue's capacity where it is bounded. Not part of the public API.
 */
public final class StatusLine {
  private StatusLine() {}

  /**
   * The status line.
   *
   * @param queueCapacity the bound on tasks waiting to start; {@code Integer.MAX_VALUE} for none
   * @return the line, without a line break
   */
  public static String of(String name, String runtime, boolean running, boolean terminated, long workersInUse,
                          int maxWorkers, long queued, int queueCapacity) {
    String state = terminated ? "terminated" : running ? "running" : "shutting down";
    String bound = queueCapacity == Integer.MAX_VALUE ? "" : "/" + queueCapacity;
    return "AsyncExecutor[" + name + ", runtime=" + runtime + ", " + state + ", workers in use="
        + Math.max(0, workersInUse) + "/" + maxWorkers + ", queued=" + Math.max(0, queued) + bound + "]";
  }
}
