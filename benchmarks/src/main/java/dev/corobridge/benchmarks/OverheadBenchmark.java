// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Scenario 1, overhead: map over 100,000 items with a trivial function, 64 in flight. Time per map. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OverheadBenchmark {
  static final int ITEMS = 100_000;
  static final int IN_FLIGHT = 64;

  private List<Integer> items;
  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;
  private ExecutorService virtual;

  @Setup
  public void setUp(BenchmarkParams params) {
    items = Contenders.items(ITEMS);
    executor = AsyncExecutor.create(IN_FLIGHT);
    pool = Contenders.jdkPoolFor(params, IN_FLIGHT);
    virtual = Contenders.virtualThreadsOrNull();
  }

  @TearDown
  public void tearDown() {
    executor.close();
    Contenders.shutdown(pool);
    Contenders.shutdown(virtual);
  }

  @Benchmark
  public List<Integer> corobridgeJava() {
    return executor.map(i -> CompletableFuture.completedFuture(i + 1), items).join();
  }

  @Benchmark
  public List<Integer> corobridgeKotlin() {
    return KotlinContenders.corobridgeMap(executor, items);
  }

  @Benchmark
  public List<Integer> rawKotlinx() {
    return KotlinContenders.rawKotlinxMap(items, IN_FLIGHT);
  }

  @Benchmark
  public List<Integer> jdkPool() {
    return Contenders.jdkMap(pool, items, i -> i + 1);
  }

  @Benchmark
  public List<Integer> reactor() {
    return Flux.fromIterable(items)
        .flatMapSequential(i -> Mono.fromSupplier(() -> i + 1).subscribeOn(Schedulers.parallel()), IN_FLIGHT)
        .collectList()
        .block();
  }

  @Benchmark
  public List<Integer> virtualThreads() {
    return Contenders.virtualThreadsMap(virtual, IN_FLIGHT, items, i -> i + 1);
  }
}
