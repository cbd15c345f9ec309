// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.sync.Semaphore;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Scenario 6, contention: 8 threads at once each submit batches of 100 trivial tasks to one shared
 * executor (64 in flight) and wait for them. Tasks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ContentionBenchmark.BATCH)
@Threads(8)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContentionBenchmark {
  static final int BATCH = 100;
  static final int IN_FLIGHT = 64;

  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;
  private ExecutorService virtual;
  private CoroutineScope scope;
  private Semaphore kotlinPermits;

  @Setup
  public void setUp(BenchmarkParams params) {
    executor = AsyncExecutor.create(IN_FLIGHT);
    pool = Contenders.jdkPoolFor(params, IN_FLIGHT);
    virtual = Contenders.virtualThreadsOrNull();
    scope = KotlinContenders.rawKotlinxScope();
    kotlinPermits = KotlinContenders.semaphore(IN_FLIGHT);
  }

  @TearDown
  public void tearDown() {
    executor.close();
    Contenders.shutdown(pool);
    Contenders.shutdown(virtual);
    KotlinContenders.cancel(scope);
  }

  @Benchmark
  public long corobridgeJava() {
    List<CompletableFuture<Long>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      long v = i;
      futures.add(executor.submit(() -> CompletableFuture.completedFuture(v)));
    }
    long sum = 0;
    for (CompletableFuture<Long> f : futures) sum += f.join();
    return sum;
  }

  @Benchmark
  public long corobridgeKotlin() {
    return KotlinContenders.corobridgeSubmitBatch(executor, BATCH);
  }

  @Benchmark
  public long rawKotlinx() {
    return KotlinContenders.rawKotlinxSubmitBatch(scope, kotlinPermits, BATCH);
  }

  @Benchmark
  public long jdkPool() {
    List<CompletableFuture<Long>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      long v = i;
      futures.add(CompletableFuture.supplyAsync(() -> v, pool));
    }
    long sum = 0;
    for (CompletableFuture<Long> f : futures) sum += f.join();
    return sum;
  }

  @Benchmark
  public long reactor() {
    List<CompletableFuture<Long>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      long v = i;
      futures.add(Mono.fromSupplier(() -> v).subscribeOn(Schedulers.parallel()).toFuture());
    }
    long sum = 0;
    for (CompletableFuture<Long> f : futures) sum += f.join();
    return sum;
  }

  @Benchmark
  public long virtualThreads() {
    ExecutorService vt = Contenders.requireVirtualThreads(virtual);
    List<Future<Long>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      long v = i;
      futures.add(vt.submit(() -> v));
    }
    long sum = 0;
    for (Future<Long> f : futures) sum += Contenders.get(f);
    return sum;
  }
}
