// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.runtime.ManualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cooperative test runtime: {@link QuoteService}'s retry with back-off (1 s, 2 s, 4 s) driven by a
 * {@link ManualExecutor}, whose clock is virtual. Seven seconds of back-off pass in microseconds, and
 * every attempt happens exactly when the policy says. {@code QuoteServiceTest} in this module is the
 * same as a unit test.
 */
public final class VirtualTimeGuide {
  private VirtualTimeGuide() {}

  /** Runs the example and returns the virtual times of the attempts. */
  public static List<Duration> run() {
    ManualExecutor executor = ManualExecutor.create(4);
    List<Duration> attempts = new ArrayList<>();
    QuoteService service = new QuoteService(executor, QuoteService.flaky(3, 101.5, () -> attempts.add(executor.currentTime())));
    long realStart = System.nanoTime();

    CompletableFuture<Double> quote = service.quote();
    executor.runUntilIdle();                             // attempt 1 fails at t = 0
    executor.advanceTimeBy(Duration.ofSeconds(1));       // attempt 2 at t = 1 s fails
    executor.advanceTimeBy(Duration.ofSeconds(2));       // attempt 3 at t = 3 s fails
    executor.advanceTimeBy(Duration.ofSeconds(4));       // attempt 4 at t = 7 s succeeds
    double price = quote.join();

    long realMicros = (System.nanoTime() - realStart) / 1_000;
    Progress.line("java", "virtual time", "quote " + price + " after attempts at " + attempts
        + " of virtual time, in " + realMicros + " µs of real time; retried " + executor.stats().retried() + "x");
    executor.close();
    return attempts;
  }
}
