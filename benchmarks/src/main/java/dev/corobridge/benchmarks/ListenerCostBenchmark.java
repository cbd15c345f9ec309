// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorListener;
import dev.corobridge.TaskEvent;
import dev.corobridge.micrometer.ExecutorMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 9, what observing costs: scenario 1 (`map` of 100,000 trivial items, 64 in flight; time per map) and
 * scenario 6 (8 threads submitting batches of 100 trivial tasks; tasks per second) on an executor without a
 * listener ({@code corobridgeJava}, the baseline), with a listener that counts every event, and with
 * bridge-micrometer's {@link ExecutorMetrics} on a {@link SimpleMeterRegistry}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListenerCostBenchmark {
  private List<Integer> items;
  private AsyncExecutor plain;
  private AsyncExecutor counted;
  private AsyncExecutor metered;

  /** Counts every event, as cheaply as a listener can. */
  static final class CountingListener implements ExecutorListener {
    final LongAdder events = new LongAdder();

    @Override public void taskQueued(TaskEvent task) { events.increment(); }
    @Override public void taskStarted(TaskEvent task) { events.increment(); }
    @Override public void taskSucceeded(TaskEvent task) { events.increment(); }
  }

  @Setup
  public void setUp() {
    items = Contenders.items(OverheadBenchmark.ITEMS);
    plain = AsyncExecutor.create(OverheadBenchmark.IN_FLIGHT);
    counted = AsyncExecutor.builder().maxWorkers(OverheadBenchmark.IN_FLIGHT).listener(new CountingListener()).build();
    metered = ExecutorMetrics.monitor(new SimpleMeterRegistry(), AsyncExecutor.builder().maxWorkers(OverheadBenchmark.IN_FLIGHT), Tags.empty());
  }

  @TearDown
  public void tearDown() {
    plain.close();
    counted.close();
    metered.close();
  }

  private List<Integer> map(AsyncExecutor executor) {
    return executor.map(i -> CompletableFuture.completedFuture(i + 1), items).join();
  }

  private static long batch(AsyncExecutor executor) {
    List<CompletableFuture<Long>> futures = new ArrayList<>(ContentionBenchmark.BATCH);
    for (int i = 0; i < ContentionBenchmark.BATCH; i++) {
      long v = i;
      futures.add(executor.submit(() -> CompletableFuture.completedFuture(v)));
    }
    long sum = 0;
    for (CompletableFuture<Long> f : futures) sum += f.join();
    return sum;
  }

  @Benchmark @BenchmarkMode(Mode.AverageTime) @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<Integer> mapCorobridgeJava() {
    return map(plain);
  }

  @Benchmark @BenchmarkMode(Mode.AverageTime) @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<Integer> mapCountingListener() {
    return map(counted);
  }

  @Benchmark @BenchmarkMode(Mode.AverageTime) @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<Integer> mapMicrometer() {
    return map(metered);
  }

  @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @Threads(8)
  @OperationsPerInvocation(ContentionBenchmark.BATCH)
  public long contentionCorobridgeJava() {
    return batch(plain);
  }

  @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @Threads(8)
  @OperationsPerInvocation(ContentionBenchmark.BATCH)
  public long contentionCountingListener() {
    return batch(counted);
  }

  @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @Threads(8)
  @OperationsPerInvocation(ContentionBenchmark.BATCH)
  public long contentionMicrometer() {
    return batch(metered);
  }
}
