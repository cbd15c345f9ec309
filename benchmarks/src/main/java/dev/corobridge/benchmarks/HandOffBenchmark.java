// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.util.concurrent.Callable;
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
 * Scenario 2c, hand-off: one trivial blocking call at a time, submitted from the caller's thread and waited for; the
 * time per round trip. What each blocking task pays to reach a thread and come back when nothing else runs (a job
 * engine's execution, a request thread waiting for its blocking call), on an executor of 8 workers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandOffBenchmark {
  static final int WORKERS = 8;
  private static final Callable<Integer> TRIVIAL = () -> 42;

  private AsyncExecutor executor;
  private ThreadPoolExecutor pool;

  @Setup
  public void setUp(BenchmarkParams params) {
    executor = AsyncExecutor.create(WORKERS);
    pool = Contenders.jdkPoolFor(params, WORKERS);
  }

  @TearDown
  public void tearDown() {
    executor.close();
    if (pool != null) pool.shutdownNow();
  }

  @Benchmark
  public Integer corobridgeJava() {
    return executor.submitBlocking(TRIVIAL).join();
  }

  @Benchmark
  public Integer jdkPool() {
    return Contenders.get(pool.submit(TRIVIAL));
  }
}
