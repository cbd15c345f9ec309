// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import javax.management.ObjectName;

/**
 * Scenario 5's steady measure: the objects 100,000 parked Kotlin tasks hold, counted by the JVM's class histogram
 * before and after they park, per class and in total, for Corobridge's Kotlin {@code async} and raw kotlinx's. The
 * scenario's own {@code bytesPerTask} reads used heap after a GC, which swings from run to run; the histogram counts
 * objects. Run: {@code java -cp benchmarks/target/benchmarks.jar dev.corobridge.benchmarks.ParkedTaskHistogram}.
 */
public final class ParkedTaskHistogram {
  private static final int TASKS = 100_000;

  /** The parked tasks, reachable while the histogram counts them. */
  private static volatile Object parked;

  private ParkedTaskHistogram() {}

  public static void main(String[] args) throws Exception {
    for (String contender : List.of("rawKotlinx", "corobridgeKotlin")) {
      measure(contender, false); // a first round warms the classes up
      measure(contender, true);
    }
  }

  private static void measure(String contender, boolean print) throws Exception {
    List<CompletableFuture<Integer>> stages = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) stages.add(new CompletableFuture<>());
    CountDownLatch started = new CountDownLatch(TASKS);
    AsyncExecutor executor = AsyncExecutor.create(TASKS);
    var scope = KotlinContenders.rawKotlinxScope();
    try {
      Map<String, long[]> before = histogram();
      parked = contender.equals("rawKotlinx")
          ? KotlinContenders.rawKotlinxParked(scope, stages, started::countDown)
          : KotlinContenders.corobridgeParked(executor, stages, started::countDown);
      started.await();
      Map<String, long[]> after = histogram();
      if (print) report(contender, before, after);
    } finally {
      parked = null;
      for (CompletableFuture<Integer> stage : stages) stage.complete(0);
      executor.close();
      KotlinContenders.cancel(scope);
    }
  }

  /** The classes with at least one new instance per two tasks: the tasks' own objects. */
  private static void report(String contender, Map<String, long[]> before, Map<String, long[]> after) {
    long total = 0;
    Map<String, String> rows = new TreeMap<>();
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      long instances = e.getValue()[0] - was[0];
      long bytes = e.getValue()[1] - was[1];
      if (instances < TASKS / 2) continue;
      total += bytes;
      rows.put(e.getKey(), String.format("%7.1f B  %5.2f per task", bytes / (double) TASKS, instances / (double) TASKS));
    }
    System.out.println(contender + ":");
    rows.forEach((name, row) -> System.out.println("  " + row + "  " + name));
    System.out.printf("  %7.1f B per parked task%n", total / (double) TASKS);
  }

  /** The live objects per class after a full GC: instances and bytes. */
  private static Map<String, long[]> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {null}, new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length >= 4 && cells[0].endsWith(":")) {
        classes.put(cells[3], new long[] {Long.parseLong(cells[1]), Long.parseLong(cells[2])});
      }
    }
    return classes;
  }
}
