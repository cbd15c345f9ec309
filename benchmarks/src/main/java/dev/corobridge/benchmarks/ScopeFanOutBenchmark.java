// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
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

/**
 * Scenario 7, scope fan-out: 10,000 scopes one after another, each forking 10 trivial async children
 * and waiting for all of them; time per 10,000 scopes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScopeFanOutBenchmark {
  static final int SCOPES = 10_000;
  static final int CHILDREN = 10;

  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;
  private ExecutorService virtual;

  @Setup
  public void setUp(BenchmarkParams params) {
    executor = AsyncExecutor.create(64);
    pool = Contenders.jdkPoolFor(params, 64);
    virtual = Contenders.virtualThreadsOrNull();
  }

  @TearDown
  public void tearDown() {
    executor.close();
    Contenders.shutdown(pool);
    Contenders.shutdown(virtual);
  }

  @Benchmark
  public int corobridgeJava() {
    int sum = 0;
    for (int s = 0; s < SCOPES; s++) {
      sum += scopeOfChildren(0).join();
    }
    return sum;
  }

  @Benchmark
  public int corobridgeJavaChained() {
    CompletableFuture<Integer> sum = CompletableFuture.completedFuture(0);
    for (int s = 0; s < SCOPES; s++) {
      sum = sum.thenCompose(this::scopeOfChildren);
    }
    return sum.join();
  }

  /** One scope forking {@link #CHILDREN} trivial async children: {@code before} plus the sum of their values. */
  private CompletableFuture<Integer> scopeOfChildren(int before) {
    return executor.<Integer>scoped(scope -> {
      @SuppressWarnings("unchecked")
      CompletableFuture<Integer>[] children = new CompletableFuture[CHILDREN];
      for (int c = 0; c < CHILDREN; c++) {
        int value = c;
        children[c] = scope.fork(() -> CompletableFuture.completedFuture(value));
      }
      return CompletableFuture.allOf(children).thenApply(done -> {
        int total = before;
        for (CompletableFuture<Integer> child : children) total += child.join();
        return total;
      });
    });
  }

  @Benchmark
  public int rawKotlinxEachFromThread() {
    return KotlinContenders.rawKotlinxScopesEachFromThread(SCOPES, CHILDREN);
  }

  @Benchmark
  public int corobridgeKotlin() {
    return KotlinContenders.corobridgeScopes(executor, SCOPES, CHILDREN);
  }

  @Benchmark
  public int rawKotlinx() {
    return KotlinContenders.rawKotlinxScopes(SCOPES, CHILDREN);
  }

  @Benchmark
  public int jdkPool() {
    return Contenders.allOfScopes(pool, SCOPES, CHILDREN);
  }

  @Benchmark
  public int virtualThreads() {
    return Contenders.allOfScopes(Contenders.requireVirtualThreads(virtual), SCOPES, CHILDREN);
  }
}
