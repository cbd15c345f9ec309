// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.TaskScope;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * Scenario 5's steady measure: the objects 100,000 parked tasks hold, counted by the JVM's class histogram before and
 * after they park, per class and in total, for Corobridge's Java {@code submit}, a Java scope's {@code fork} and
 * Kotlin {@code async}, and for raw kotlinx's {@code async}. The scenario's own {@code bytesPerTask} reads used heap
 * after a GC, which swings from run to run; the histogram counts objects. The full benchmark run reports these totals
 * and judges the footprint targets by them. Run alone (per class): {@code java -cp benchmarks/target/benchmarks.jar
 * dev.corobridge.benchmarks.ParkedTaskHistogram}.
 */
public final class ParkedTaskHistogram {
  private static final int TASKS = 100_000;

  /** The contenders, as the footprint scenario names them. */
  static final List<String> CONTENDERS = List.of("corobridgeJava", "corobridgeScopeChild", "corobridgeKotlin", "rawKotlinx");

  /** The parked tasks, reachable while the histogram counts them. */
  private static volatile Object parked;

  private ParkedTaskHistogram() {}

  public static void main(String[] args) throws Exception {
    for (String contender : CONTENDERS) {
      Map<String, String> rows = new TreeMap<>();
      double bytes = bytesPerParkedTask(contender, rows);
      System.out.println(contender + ":");
      rows.forEach((name, row) -> System.out.println("  " + row + "  " + name));
      System.out.printf("  %7.1f B per parked task%n", bytes);
    }
  }

  /**
   * The heap bytes one parked task of {@code contender} holds, counted over {@value #TASKS} tasks after a first round
   * that loads and compiles what they use; {@code rows} receives a line per class counted.
   */
  static double bytesPerParkedTask(String contender, Map<String, String> rows) throws Exception {
    measure(contender, new TreeMap<>());
    return measure(contender, rows);
  }

  private static double measure(String contender, Map<String, String> rows) throws Exception {
    List<CompletableFuture<Integer>> stages = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) stages.add(new CompletableFuture<>());
    CountDownLatch started = new CountDownLatch(TASKS);
    AsyncExecutor executor = AsyncExecutor.create(TASKS);
    TaskScope scope = executor.openScope();
    var kotlinScope = KotlinContenders.rawKotlinxScope();
    try {
      Map<String, long[]> before = histogram();
      parked = switch (contender) {
        case "corobridgeJava" -> parkEach(stages, stage -> executor.submit(() -> {
          started.countDown();
          return stage;
        }));
        case "corobridgeScopeChild" -> parkEach(stages, stage -> scope.fork(() -> {
          started.countDown();
          return stage;
        }));
        case "corobridgeKotlin" -> KotlinContenders.corobridgeParked(executor, stages, started::countDown);
        case "rawKotlinx" -> KotlinContenders.rawKotlinxParked(kotlinScope, stages, started::countDown);
        default -> throw new IllegalArgumentException("contender must be one of " + CONTENDERS + ", not " + contender);
      };
      started.await();
      return total(before, histogram(), rows);
    } finally {
      parked = null;
      for (CompletableFuture<Integer> stage : stages) stage.complete(0);
      scope.close();
      executor.close();
      KotlinContenders.cancelAndWait(kotlinScope); // its tasks gone before the next round counts
    }
  }

  private static List<Object> parkEach(List<CompletableFuture<Integer>> stages, Function<CompletableFuture<Integer>, Object> park) {
    List<Object> tasks = new ArrayList<>(TASKS);
    for (CompletableFuture<Integer> stage : stages) tasks.add(park.apply(stage));
    return tasks;
  }

  /** The bytes per task of the classes with at least one new instance per two tasks: the tasks' own objects. */
  private static double total(Map<String, long[]> before, Map<String, long[]> after, Map<String, String> rows) {
    long total = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      long instances = e.getValue()[0] - was[0];
      long bytes = e.getValue()[1] - was[1];
      if (instances < TASKS / 2) continue;
      total += bytes;
      rows.put(e.getKey(), String.format(Locale.ROOT, "%7.1f B  %5.2f per task", bytes / (double) TASKS, instances / (double) TASKS));
    }
    return total / (double) TASKS;
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
