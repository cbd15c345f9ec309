// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.TaskScope;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.CoroutineScope;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Scenario 5, footprint: 100,000 tasks started and parked on stages that have not completed. The
 * primary score is how long starting them took; {@code bytesPerTask} is the heap each parked task
 * holds (the stages themselves are made before the baseline and not counted).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
public class FootprintBenchmark {
  static final int TASKS = 100_000;

  private List<CompletableFuture<Integer>> stages;
  private CountDownLatch started;
  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;
  private ExecutorService virtual;
  private CoroutineScope scope;
  private TaskScope openScope;
  private Object parked;

  /** Heap bytes per parked task, reported next to the time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Bytes {
    public double bytesPerTask;
  }

  @Setup(Level.Invocation)
  public void setUp() {
    stages = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) stages.add(new CompletableFuture<>());
    started = new CountDownLatch(TASKS);
    executor = AsyncExecutor.create(TASKS);
    pool = Contenders.jdkPool(4);
    virtual = Contenders.virtualThreadsOrNull();
    scope = KotlinContenders.rawKotlinxScope();
  }

  @TearDown(Level.Invocation)
  public void tearDown() {
    for (CompletableFuture<Integer> stage : stages) stage.complete(0);
    if (openScope != null) openScope.close();
    openScope = null;
    executor.close();
    pool.shutdownNow();
    Contenders.shutdown(virtual);
    KotlinContenders.cancel(scope);
    parked = null;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void measure(Bytes bytes, Runnable startAll) {
    long before = usedHeapAfterGc();
    startAll.run();
    try {
      started.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    long after = usedHeapAfterGc();
    bytes.bytesPerTask = (after - before) / (double) TASKS;
  }

  @Benchmark
  public void corobridgeJava(Bytes bytes) {
    measure(bytes, () -> {
      List<CompletableFuture<Integer>> futures = new ArrayList<>(TASKS);
      for (CompletableFuture<Integer> stage : stages) {
        futures.add(executor.submit(() -> {
          started.countDown();
          return stage;
        }));
      }
      parked = futures;
    });
  }

  /** The same 100,000 parked tasks as children of one scope: the bytes a parked scope child costs. */
  @Benchmark
  public void corobridgeScopeChild(Bytes bytes) {
    measure(bytes, () -> {
      TaskScope scope = executor.openScope();
      List<CompletableFuture<Integer>> children = new ArrayList<>(TASKS);
      for (CompletableFuture<Integer> stage : stages) {
        children.add(scope.fork(() -> {
          started.countDown();
          return stage;
        }));
      }
      openScope = scope;
      parked = children;
    });
  }

  @Benchmark
  public void corobridgeKotlin(Bytes bytes) {
    measure(bytes, () -> parked = KotlinContenders.corobridgeParked(executor, stages, started::countDown));
  }

  @Benchmark
  public void rawKotlinx(Bytes bytes) {
    measure(bytes, () -> parked = KotlinContenders.rawKotlinxParked(scope, stages, started::countDown));
  }

  @Benchmark
  public void jdkPool(Bytes bytes) {
    measure(bytes, () -> {
      List<CompletableFuture<Integer>> futures = new ArrayList<>(TASKS);
      for (CompletableFuture<Integer> stage : stages) {
        futures.add(CompletableFuture.runAsync(started::countDown, pool).thenCompose(x -> stage));
      }
      parked = futures;
    });
  }

  @Benchmark
  public void reactor(Bytes bytes) {
    measure(bytes, () -> {
      List<Object> subscriptions = new ArrayList<>(TASKS);
      for (CompletableFuture<Integer> stage : stages) {
        subscriptions.add(Mono.fromFuture(stage).doOnSubscribe(s -> started.countDown()).subscribe());
      }
      parked = subscriptions;
    });
  }

  @Benchmark
  public void virtualThreads(Bytes bytes) {
    ExecutorService vt = Contenders.requireVirtualThreads(virtual);
    measure(bytes, () -> {
      List<Object> futures = new ArrayList<>(TASKS);
      for (CompletableFuture<Integer> stage : stages) {
        futures.add(vt.submit(() -> {
          started.countDown();
          return stage.join();
        }));
      }
      parked = futures;
    });
  }
}
