// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Scenario 2, latency-bound: 10,000 tasks that each wait 10 ms, 1,000 at a time; the ideal is 100 ms.
 * {@code async…} methods wait without a thread (a timer completes a future, or {@code delay});
 * {@code blocking…} methods sleep on a thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LatencyBenchmark {
  static final int TASKS = 10_000;
  static final int IN_FLIGHT = 1_000;
  static final long WAIT_MILLIS = 10;

  private List<Integer> items;
  private AsyncExecutor executor;
  private AsyncExecutor executorOnVirtualThreads;
  private ScheduledExecutorService timer;
  private ThreadPoolExecutor pool;
  private Scheduler reactorSleepers;
  private ExecutorService virtual;

  /**
   * Builds what the benchmark needs; the JDK pool's 1,000 prestarted threads only for the benchmark that uses them,
   * so that no contender runs beside another's idle threads (each benchmark runs in a JVM of its own).
   */
  @Setup
  public void setUp(BenchmarkParams params) {
    items = Contenders.items(TASKS);
    executor = AsyncExecutor.create(IN_FLIGHT);
    executorOnVirtualThreads = AsyncExecutor.builder().maxWorkers(IN_FLIGHT).preferVirtualThreads(true).build();
    timer = Executors.newSingleThreadScheduledExecutor();
    pool = Contenders.jdkPoolFor(params, IN_FLIGHT);
    reactorSleepers = Schedulers.newBoundedElastic(IN_FLIGHT, Integer.MAX_VALUE, "sleepers");
    virtual = Contenders.virtualThreadsOrNull();
  }

  @TearDown
  public void tearDown() {
    executor.close();
    executorOnVirtualThreads.close();
    timer.shutdownNow();
    if (pool != null) pool.shutdownNow();
    reactorSleepers.dispose();
    Contenders.shutdown(virtual);
  }

  private CompletableFuture<Integer> later(int value) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    timer.schedule(() -> f.complete(value), WAIT_MILLIS, TimeUnit.MILLISECONDS);
    return f;
  }

  private static Integer sleep(Integer value) {
    try {
      Thread.sleep(WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return value;
  }

  @Benchmark
  public List<Integer> asyncCorobridgeJava() {
    return executor.map(this::later, items).join();
  }

  @Benchmark
  public List<Integer> asyncCorobridgeKotlin() {
    return KotlinContenders.corobridgeDelay(executor, items, WAIT_MILLIS);
  }

  @Benchmark
  public List<Integer> asyncRawKotlinx() {
    return KotlinContenders.rawKotlinxDelay(items, IN_FLIGHT, WAIT_MILLIS);
  }

  @Benchmark
  public List<Integer> asyncReactor() {
    return Flux.fromIterable(items)
        .flatMapSequential(i -> Mono.delay(Duration.ofMillis(WAIT_MILLIS)).thenReturn(i), IN_FLIGHT)
        .collectList()
        .block();
  }

  @Benchmark
  public List<Integer> blockingCorobridgeJava() {
    return executor.mapBlocking(LatencyBenchmark::sleep, items).join();
  }

  /** Corobridge with its blocking lane on virtual threads ({@code preferVirtualThreads}); JDK 21+ runs only. */
  @Benchmark
  public List<Integer> blockingCorobridgeVirtualThreads() {
    return executorOnVirtualThreads.mapBlocking(LatencyBenchmark::sleep, items).join();
  }

  @Benchmark
  public List<Integer> blockingRawKotlinx() {
    return KotlinContenders.rawKotlinxSleep(items, IN_FLIGHT, WAIT_MILLIS);
  }

  @Benchmark
  public List<Integer> blockingJdkPool() {
    return Contenders.jdkMap(pool, items, LatencyBenchmark::sleep);
  }

  @Benchmark
  public List<Integer> blockingReactor() {
    return Flux.fromIterable(items)
        .flatMapSequential(i -> Mono.fromSupplier(() -> sleep(i)).subscribeOn(reactorSleepers), IN_FLIGHT)
        .collectList()
        .block();
  }

  @Benchmark
  public List<Integer> blockingVirtualThreads() {
    return Contenders.virtualThreadsMap(virtual, IN_FLIGHT, items, LatencyBenchmark::sleep);
  }
}
