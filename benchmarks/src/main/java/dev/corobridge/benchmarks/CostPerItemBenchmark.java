// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 10, cost per item against a plain loop: {@code map} over 1,000,000 items with a trivial function (64 in
 * flight), in nanoseconds per item, beside a plain {@code for} loop doing the same work into a list on one thread,
 * the physical floor. What Corobridge adds per item is the difference.
 *
 * <p>The heap is fixed and touched at start ({@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}) for every contender: with the
 * default sizing, G1 grew and shrank the heap around each run's 4 MB result arrays, and the kernel's zeroing of the pages
 * it took back was ~45% of the CPU in a profile, swinging each row by more than the cost measured here (see
 * benchmarks/ANALYSIS.md, "Cost per item: the heap's own churn").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(CostPerItemBenchmark.ITEMS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CostPerItemBenchmark {
  static final int ITEMS = 1_000_000;

  private List<Integer> items;
  private AsyncExecutor executor;

  @Setup
  public void setUp() {
    items = Contenders.items(ITEMS);
    executor = AsyncExecutor.create(OverheadBenchmark.IN_FLIGHT);
  }

  @TearDown
  public void tearDown() {
    executor.close();
  }

  /** The floor: the same function over the same items into a list, one thread, nothing else. */
  @Benchmark
  public List<Integer> plainLoop() {
    List<Integer> results = new ArrayList<>(items.size());
    for (Integer i : items) results.add(CompletableFuture.completedFuture(i + 1).join());
    return results;
  }

  @Benchmark
  public List<Integer> corobridgeJava() {
    return executor.map(i -> CompletableFuture.completedFuture(i + 1), items).join();
  }

  @Benchmark
  public List<Integer> corobridgeJavaBlocking() {
    return executor.mapBlocking(i -> i + 1, items).join();
  }

  @Benchmark
  public List<Integer> corobridgeKotlin() {
    return KotlinContenders.corobridgeMap(executor, items);
  }
}
