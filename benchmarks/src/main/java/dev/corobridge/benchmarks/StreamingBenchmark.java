// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.MapOptions;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Scenario 4, streaming: an ordered, lazily pulled map over {@code n} items with 256 in flight. Time
 * per stream, and the peak live heap after GC (it must not grow with {@code n}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xmn64m"})
public class StreamingBenchmark {
  static final int WINDOW = 256;

  @Param({"1000000", "10000000"})
  public int n;

  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;
  private ExecutorService virtual;

  /** The peak live heap, reported next to the time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Heap {
    public double peakLiveMb;

    @Setup(Level.Iteration)
    public void reset() {
      HeapWatch.reset();
      peakLiveMb = 0;
    }

    void record() {
      peakLiveMb = Math.max(peakLiveMb, HeapWatch.peakLiveMegabytes());
    }
  }

  @Setup
  public void setUp(BenchmarkParams params) {
    executor = AsyncExecutor.create(WINDOW);
    pool = Contenders.jdkPoolFor(params, WINDOW);
    virtual = Contenders.virtualThreadsOrNull();
  }

  @TearDown
  public void tearDown() {
    executor.close();
    Contenders.shutdown(pool);
    Contenders.shutdown(virtual);
  }

  @Benchmark
  public long corobridgeJava(Heap heap) {
    try (Stream<Long> results = executor.mapIter(i -> CompletableFuture.completedFuture(i + 1L), new Range(n),
        MapOptions.builder().window(WINDOW).build())) {
      long sum = results.mapToLong(Long::longValue).sum();
      heap.record();
      return sum;
    }
  }

  @Benchmark
  public long corobridgeKotlin(Heap heap) {
    long sum = KotlinContenders.corobridgeMapIter(executor, n, WINDOW);
    heap.record();
    return sum;
  }

  @Benchmark
  public long rawKotlinx(Heap heap) {
    long sum = KotlinContenders.rawKotlinxMapIter(n, WINDOW);
    heap.record();
    return sum;
  }

  @Benchmark
  public long jdkPool(Heap heap) {
    ArrayDeque<CompletableFuture<Long>> window = new ArrayDeque<>(WINDOW);
    long sum = 0;
    for (int i = 0; i < n; i++) {
      if (window.size() == WINDOW) sum += window.poll().join();
      long v = i;
      window.add(CompletableFuture.supplyAsync(() -> v + 1, pool));
    }
    while (!window.isEmpty()) sum += window.poll().join();
    heap.record();
    return sum;
  }

  @Benchmark
  public long reactor(Heap heap) {
    long sum = Flux.range(0, n)
        .flatMapSequential(i -> Mono.fromSupplier(() -> i + 1L).subscribeOn(Schedulers.parallel()), WINDOW)
        .reduce(0L, Long::sum)
        .block();
    heap.record();
    return sum;
  }

  @Benchmark
  public long virtualThreads(Heap heap) {
    ExecutorService vt = Contenders.requireVirtualThreads(virtual);
    ArrayDeque<Future<Long>> window = new ArrayDeque<>(WINDOW);
    long sum = 0;
    for (int i = 0; i < n; i++) {
      if (window.size() == WINDOW) sum += Contenders.get(window.poll());
      long v = i;
      window.add(vt.submit(() -> v + 1));
    }
    while (!window.isEmpty()) sum += Contenders.get(window.poll());
    heap.record();
    return sum;
  }
}
