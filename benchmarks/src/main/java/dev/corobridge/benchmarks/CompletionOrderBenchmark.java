// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Scenario 3, completion order: 10,000 futures completed in a random order, consumed in completion
 * order. Time per element, including making the futures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(CompletionOrderBenchmark.FUTURES)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompletionOrderBenchmark {
  static final int FUTURES = 10_000;

  private int[] order;
  private AsyncExecutor executor;

  @Setup
  public void setUp() {
    List<Integer> shuffled = Contenders.items(FUTURES);
    Collections.shuffle(shuffled, new Random(42));
    order = shuffled.stream().mapToInt(Integer::intValue).toArray();
    executor = AsyncExecutor.create(1);
  }

  @TearDown
  public void tearDown() {
    executor.close();
  }

  private static List<CompletableFuture<Integer>> futures() {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(FUTURES);
    for (int i = 0; i < FUTURES; i++) futures.add(new CompletableFuture<>());
    return futures;
  }

  @Benchmark
  public long corobridgeJava() {
    List<CompletableFuture<Integer>> inputs = futures();
    List<CompletableFuture<Integer>> outputs = executor.asCompleted(inputs);
    for (int i : order) inputs.get(i).complete(i);
    long sum = 0;
    for (CompletableFuture<Integer> next : outputs) sum += next.join();
    return sum;
  }

  @Benchmark
  public long corobridgeKotlin() {
    return KotlinContenders.corobridgeAsCompleted(executor, order);
  }

  @Benchmark
  public long rawKotlinx() {
    return KotlinContenders.rawKotlinxAsCompleted(order);
  }

  @Benchmark
  public long jdkQueue() throws InterruptedException {
    List<CompletableFuture<Integer>> inputs = futures();
    LinkedBlockingQueue<CompletableFuture<Integer>> completed = new LinkedBlockingQueue<>();
    for (CompletableFuture<Integer> f : inputs) f.whenComplete((v, e) -> completed.add(f));
    for (int i : order) inputs.get(i).complete(i);
    long sum = 0;
    for (int k = 0; k < FUTURES; k++) sum += completed.take().join();
    return sum;
  }

  @Benchmark
  public long reactor() {
    List<CompletableFuture<Integer>> inputs = futures();
    List<Mono<Integer>> monos = new ArrayList<>(FUTURES);
    for (CompletableFuture<Integer> f : inputs) monos.add(Mono.fromFuture(f));
    CompletableFuture<Long> sum = Flux.merge(monos).reduce(0L, (s, v) -> s + v).toFuture();
    for (int i : order) inputs.get(i).complete(i);
    return sum.join();
  }
}
