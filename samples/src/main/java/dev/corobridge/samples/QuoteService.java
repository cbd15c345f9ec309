// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Application code under test in the virtual-time sample: fetches a price quote through any
 * {@link AsyncExecutor}, retrying a flaky upstream with exponential back-off (1 s, 2 s, 4 s) inside an
 * overall timeout of 30 s. It knows nothing of tests; the test hands it a
 * {@link dev.corobridge.runtime.ManualExecutor}.
 */
public final class QuoteService {
  /** Three retries, one second apart at first and doubling, at most 30 seconds in all. */
  public static final TaskOptions POLICY = TaskOptions.builder()
      .name("quote")
      .retry(RetryPolicy.exponential(3, Duration.ofSeconds(1)).retryOn(IOException.class))
      .timeout(Duration.ofSeconds(30))
      .build();

  private final AsyncExecutor executor;
  private final Supplier<CompletionStage<Double>> upstream;

  /** A service that asks {@code upstream} for quotes on {@code executor}. */
  public QuoteService(AsyncExecutor executor, Supplier<CompletionStage<Double>> upstream) {
    this.executor = executor;
    this.upstream = upstream;
  }

  /** The quote, once upstream answers within the policy, else the last failure. */
  public CompletableFuture<Double> quote() {
    return executor.submit(upstream::get, POLICY);
  }

  /** Fails {@code failures} times with an IOException, then answers {@code price}. */
  public static Supplier<CompletionStage<Double>> flaky(int failures, double price, Runnable onAttempt) {
    int[] calls = {0};
    return () -> {
      onAttempt.run();
      return ++calls[0] <= failures
          ? CompletableFuture.failedFuture(new IOException("upstream unavailable (call " + calls[0] + ")"))
          : CompletableFuture.completedFuture(price);
    };
  }
}
