// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import java.util.concurrent.CompletableFuture;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the queue's non-blocking operations: every interleaving of offer, poll, an async take
 * (served at once, or left waiting and served by a later offer), an async put, close and size must
 * match some sequential order. Blocking put/take wait on a condition, which Lincheck cannot compare;
 * BridgeQueueTest stresses them with the others.
 */
public class BridgeQueueLincheckTest {
  private final BridgeQueue<Integer> queue = new BridgeQueue<>(2);

  @Operation
  public String offer(int item) {
    try {
      return String.valueOf(queue.offer(item));
    } catch (IllegalStateException closed) {
      return "closed";
    }
  }

  @Operation
  public Integer poll() {
    return queue.poll();
  }

  /** An async take: the item if it was served at once, "waiting" if it queued (a later offer serves it). */
  @Operation
  public String takeAsync() {
    CompletableFuture<Integer> next = queue.takeAsync();
    return next.isDone() ? String.valueOf(next.join()) : "waiting";
  }

  /** An async put: "in" if admitted at once, "waiting" if it waits for room, "closed" if refused. */
  @Operation
  public String putAsync(int item) {
    CompletableFuture<Void> done = queue.putAsync(item);
    if (!done.isDone()) return "waiting";
    return done.isCompletedExceptionally() ? "closed" : "in";
  }

  @Operation
  public void close() {
    queue.close();
  }

  @Operation
  public int size() {
    return queue.size();
  }

  @Test
  void everyInterleavingIsLinearizableUnderModelChecking() {
    LinChecker.check(BridgeQueueLincheckTest.class,
        new ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }

  @Test
  void everyRunIsLinearizableUnderStress() {
    LinChecker.check(BridgeQueueLincheckTest.class,
        new StressOptions().iterations(5).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }
}
