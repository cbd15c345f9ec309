// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The future of a task that an engine queued for one of its workers, which the thread about to wait for it may
 * run itself, the way {@code ForkJoinTask.join} helps: a scope's {@code join} on a thread of the caller's own
 * then costs no hand-off between threads. Not part of the public API.
 */
public interface QueuedForWorker {
  /**
   * Runs on the calling thread those of {@code tasks} (futures of the same executor as this one) that still wait
   * in its queue, each with one of the executor's worker slots, so that {@code maxWorkers} still bounds what runs;
   * stops at the first task no slot is free for. Call only from a thread that runs no task of any engine
   * ({@link LendingWait#current()} is null).
   *
   * @return whether it ran a task and never lacked a slot: then tasks forked meanwhile may be worth another call
   */
  boolean runHere(List<? extends CompletableFuture<?>> tasks);
}
