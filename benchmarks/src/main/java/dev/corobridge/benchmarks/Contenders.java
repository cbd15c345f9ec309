// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.openjdk.jmh.infra.BenchmarkParams;

/** What the benchmarks share: inputs and the JDK-side contenders' executors. */
final class Contenders {
  private Contenders() {}

  /** 0 until n, boxed once. */
  static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  /** A fixed pool of {@code threads} threads, as a JDK user bounds concurrency. */
  static ThreadPoolExecutor jdkPool(int threads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    pool.prestartAllCoreThreads();
    return pool;
  }

  /**
   * {@link #jdkPool}, built only for the benchmark that uses it (its method name ends with {@code jdkPool}), else
   * null. Each benchmark runs in a JVM of its own; the pool's idle threads would otherwise sit beside every other
   * contender and lengthen its garbage collections, whose pauses scan every thread's stack.
   */
  static ThreadPoolExecutor jdkPoolFor(BenchmarkParams params, int threads) {
    return params.getBenchmark().endsWith("jdkPool") || params.getBenchmark().endsWith("JdkPool") ? jdkPool(threads) : null;
  }

  /** A virtual-thread-per-task executor on JDK 21+, else null (the runner skips those benchmarks). */
  static ExecutorService virtualThreadsOrNull() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  static ExecutorService requireVirtualThreads(ExecutorService virtual) {
    if (virtual == null) throw new UnsupportedOperationException("virtual threads need JDK 21+");
    return virtual;
  }

  static <T> T get(Future<T> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> List<T> joinAll(List<CompletableFuture<T>> futures) {
    return futures.stream().map(CompletableFuture::join).collect(Collectors.toList());
  }

  /** The JDK way: one {@code supplyAsync} per item on {@code pool}, then join them all in order. */
  static <R> List<R> jdkMap(ThreadPoolExecutor pool, List<Integer> items, Function<Integer, R> fn) {
    List<CompletableFuture<R>> futures = new ArrayList<>(items.size());
    for (Integer i : items) futures.add(CompletableFuture.supplyAsync(() -> fn.apply(i), pool));
    return joinAll(futures);
  }

  /** Virtual threads: one per item, at most {@code permits} inside {@code fn} at once, results in order. */
  static <R> List<R> virtualThreadsMap(ExecutorService virtual, int permits, List<Integer> items, Function<Integer, R> fn) {
    ExecutorService vt = requireVirtualThreads(virtual);
    Semaphore gate = new Semaphore(permits);
    List<Future<R>> futures = new ArrayList<>(items.size());
    for (Integer i : items) {
      futures.add(vt.submit(() -> {
        gate.acquire();
        try {
          return fn.apply(i);
        } finally {
          gate.release();
        }
      }));
    }
    List<R> results = new ArrayList<>(futures.size());
    for (Future<R> f : futures) results.add(get(f));
    return results;
  }

  static void shutdown(ExecutorService executor) {
    if (executor != null) executor.shutdownNow();
  }

  /** Scope fan-out with plain futures: each "scope" is {@code allOf} over children run on {@code executor}. */
  static int allOfScopes(ExecutorService executor, int scopes, int children) {
    int sum = 0;
    for (int s = 0; s < scopes; s++) {
      @SuppressWarnings("unchecked")
      CompletableFuture<Integer>[] forks = new CompletableFuture[children];
      for (int c = 0; c < children; c++) {
        int value = c;
        forks[c] = CompletableFuture.supplyAsync(() -> value, executor);
      }
      CompletableFuture.allOf(forks).join();
      for (CompletableFuture<Integer> f : forks) sum += f.join();
    }
    return sum;
  }
}
