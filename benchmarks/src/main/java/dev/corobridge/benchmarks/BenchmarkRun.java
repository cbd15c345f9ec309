// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every scenario for Corobridge and each alternative in one JMH run and writes RESULTS.md.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--out benchmarks/RESULTS.md]
 * </pre>
 */
public final class BenchmarkRun {
  private static final String BASELINE = "corobridgeJava";

  private BenchmarkRun() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    Path out = Path.of("benchmarks", "RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("usage: [--quick] [--out FILE]; unknown argument " + args[i]);
      }
    }
    int feature = Runtime.version().feature();
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("dev\\.corobridge\\.benchmarks\\..*Benchmark\\..*")
        .shouldFailOnError(false)
        // JMH's own results beside the report, so that a run is never lost to a fault in the report below
        .resultFormat(ResultFormatType.JSON)
        .result(out.resolveSibling("results-jdk" + Runtime.version().feature() + ".json").toString());
    if (feature < 21) options.exclude(".*[vV]irtualThreads");
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
          .measurementIterations(2).measurementTime(TimeValue.milliseconds(500))
          .param("n", "100000", "1000000");
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    long started = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    long minutes = Math.round((System.nanoTime() - started) / 60e9);
    Map<String, Double> parkedBytes = parkedTaskHistogram();
    String report = new Report(results, quick, feature, minutes, parkedBytes).render();
    Files.writeString(out, report);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /**
   * Scenario 5's steady measure, in this JVM after the JMH run: the bytes a parked task holds per contender, counted by
   * the class histogram ({@link ParkedTaskHistogram}); NaN for a contender whose count failed.
   */
  private static Map<String, Double> parkedTaskHistogram() {
    Map<String, Double> bytes = new TreeMap<>();
    for (String contender : ParkedTaskHistogram.CONTENDERS) {
      try {
        bytes.put(contender, ParkedTaskHistogram.bytesPerParkedTask(contender, new TreeMap<>()));
      } catch (Exception | LinkageError e) {
        System.err.println("the class histogram of " + contender + "'s parked tasks failed: " + e);
        bytes.put(contender, Double.NaN);
      }
    }
    return bytes;
  }

  /** Turns JMH results into the tables of RESULTS.md. */
  static final class Report {
    private final Collection<RunResult> results;
    private final boolean quick;
    private final int feature;
    private final long minutes;
    private final Map<String, Double> parkedBytes;
    private final StringBuilder md = new StringBuilder();

    Report(Collection<RunResult> results, boolean quick, int feature, long minutes, Map<String, Double> parkedBytes) {
      this.results = results;
      this.quick = quick;
      this.feature = feature;
      this.minutes = minutes;
      this.parkedBytes = parkedBytes;
    }

    String render() {
      md.append("# Benchmark results\n\n");
      md.append("Corobridge side by side with the alternatives a user would pick, every contender in the same JMH run")
          .append(quick ? " (`--quick`: short iterations, smaller streams; indicative only)" : "").append(".\n\n");
      md.append("| machine | |\n|---|---|\n");
      md.append("| cores | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
      md.append("| memory | ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB max heap of the runner |\n");
      md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n");
      md.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(" |\n");
      md.append("| date | ").append(LocalDate.now()).append(", about ").append(minutes).append(" min for the whole run |\n\n");
      if (feature < 21) md.append("Virtual threads need JDK 21+: their contender was skipped on this JDK ").append(feature).append(".\n\n");
      md.append("Ratios compare each contender with Corobridge driven from Java (`corobridgeJava`): **above 1 means Corobridge is")
          .append(" better** (faster, more throughput, or less memory).\n\n");

      scenario("1. Overhead", "`map` over 100,000 items with a trivial function, 64 in flight; time per map.", "Overhead", "", null);
      scenario("2a. Latency-bound, async waits", "10,000 tasks each waiting 10 ms without a thread, 1,000 in flight; the ideal is 100 ms.", "Latency", "async", null);
      scenario("2b. Latency-bound, blocking sleeps", "10,000 tasks each sleeping 10 ms on a thread, 1,000 in flight; the ideal is 100 ms.", "Latency", "blocking", null);
      scenario("2c. Hand-off", "One trivial blocking call at a time, submitted from the caller's thread and waited for, on 8 "
          + "workers; time per round trip.", "HandOff", "", null);
      scenario("3. Completion order", "`asCompleted` over 10,000 futures completed in random order; time per element.", "CompletionOrder", "", null);
      for (String n : params("Streaming", "n")) {
        scenario("4. Streaming, n = " + n, "Ordered lazy map over n items, 256 in flight; time per stream and the peak live heap after GC.", "Streaming", "", n);
      }
      scenario("5. Footprint", "100,000 tasks parked on unfinished stages: heap bytes per parked task (and the time to start them).", "Footprint", "", null);
      parkedObjects();
      scenario("6. Contention", "8 threads submitting batches of 100 trivial tasks to one executor (64 in flight); tasks per second.", "Contention", "", null);
      scenario("7. Scope fan-out", "10,000 scopes one after another, each forking 10 trivial async children and waiting for them "
          + "(`scoped` from Java, `scope { async }` from Kotlin, `coroutineScope { async }` raw, `allOf` over a pool); time per 10,000 scopes. "
          + "`corobridgeJava` and `rawKotlinxEachFromThread` wait for each scope on the benchmark's thread (`join()`, `runBlocking`): one "
          + "thread round trip per scope. `corobridgeJavaChained` composes the scopes on the executor (`thenCompose`), and "
          + "`rawKotlinx` and `corobridgeKotlin` run their loop in one coroutine on `Dispatchers.Default`: no round trip.",
          "ScopeFanOut", "", null);
      outbox();
      scenario("9a. Listener cost, overhead", "Scenario 1 on an executor without a listener (`corobridgeJava`), with a listener counting every "
          + "event, and with bridge-micrometer's `ExecutorMetrics`; time per map. A ratio of 0.87 means 13% slower than without.",
          "ListenerCost", "map", null);
      scenario("9b. Listener cost, contention", "Scenario 6 on the same three executors; tasks per second.", "ListenerCost", "contention", null);
      costPerItem();
      targets();
      analysis();
      md.append("## How to reproduce\n\n```bash\nbenchmarks/run.sh            # full run (under 20 min on 2 cores), writes benchmarks/RESULTS.md\n")
          .append("benchmarks/run.sh --quick    # smoke check, under 3 min\n")
          .append("JAVA_HOME=/path/to/jdk21+ benchmarks/run.sh   # adds the virtual-thread contender\n")
          .append("# one scenario, ad hoc, with JMH's own options:\n")
          .append("java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main OverheadBenchmark -prof gc\n```\n");
      return md.toString();
    }

    /** Scenario 8 has its own table: time per transaction, and what the intents add to the transaction alone. */
    private void outbox() {
      md.append("## 8. Outbox cost (bridge-db-scheduler)\n\n")
          .append("One transaction on one connection inserts a row, enqueues n intents through db-scheduler's outbox ")
          .append("and commits (H2 in-process unless `-Dcorobridge.bench.jdbc` names a PostgreSQL server); time per ")
          .append("transaction. `outboxBatched` writes the flush with one batched statement, `outboxOneByOne` ")
          .append("dispatches each intent alone (a select and an insert each).\n\n");
      Map<String, RunResult> alone = select("Outbox", "noIntents", null);
      RunResult base = alone.values().stream().findFirst().orElse(null);
      if (base == null) {
        md.append("_No results (the benchmark failed or was excluded)._\n\n");
        return;
      }
      double transaction = base.getPrimaryResult().getScore();
      md.append("| contender | intents | score | unit | added to the transaction alone |\n|---|---:|---:|---|---:|\n");
      md.append("| noIntents | 0 | ").append(format(transaction)).append(" ± ").append(format(base.getPrimaryResult().getScoreError()))
          .append(" | ").append(base.getPrimaryResult().getScoreUnit()).append(" | |\n");
      for (RunResult r : results) {
        if (!scenarioOf(r).equals("Outbox") || contenderOf(r).equals("noIntents")) continue;
        Result primary = r.getPrimaryResult();
        md.append("| ").append(contenderOf(r)).append(" | ").append(r.getParams().getParam("intents")).append(" | ")
            .append(format(primary.getScore())).append(" ± ").append(format(primary.getScoreError())).append(" | ")
            .append(primary.getScoreUnit()).append(" | ").append(format(primary.getScore() - transaction)).append(" |\n");
      }
      md.append('\n');
    }

    private List<String> params(String scenario, String param) {
      List<String> values = new ArrayList<>();
      for (RunResult r : results) {
        if (!scenarioOf(r).equals(scenario)) continue;
        String v = r.getParams().getParam(param);
        if (v != null && !values.contains(v)) values.add(v);
      }
      values.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
      return values;
    }

    private static String scenarioOf(RunResult r) {
      String benchmark = r.getParams().getBenchmark();
      String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
      return cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
    }

    private static String contenderOf(RunResult r) {
      String benchmark = r.getParams().getBenchmark();
      return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Results of one scenario (and variant prefix, and param n), contender name → result. */
    private Map<String, RunResult> select(String scenario, String prefix, String n) {
      Map<String, RunResult> selected = new TreeMap<>();
      for (RunResult r : results) {
        if (!scenarioOf(r).equals(scenario)) continue;
        String contender = contenderOf(r);
        if (!contender.startsWith(prefix)) continue;
        if (n != null && !n.equals(r.getParams().getParam("n"))) continue;
        String name = prefix.isEmpty() || contender.length() == prefix.length() ? contender
            : Character.toLowerCase(contender.charAt(prefix.length())) + contender.substring(prefix.length() + 1);
        selected.put(name, r);
      }
      return selected;
    }

    private void scenario(String title, String what, String scenario, String prefix, String n) {
      Map<String, RunResult> rows = select(scenario, prefix, n);
      md.append("## ").append(title).append("\n\n").append(what).append("\n\n");
      if (rows.isEmpty()) {
        md.append("_No results (the benchmark failed or was excluded)._\n\n");
        return;
      }
      boolean footprint = scenario.equals("Footprint");
      boolean streaming = scenario.equals("Streaming");
      RunResult base = rows.get(BASELINE);
      md.append("| contender | score | unit |").append(footprint ? " bytes per task |" : "").append(streaming ? " peak live heap (MB) |" : "").append(" ratio |\n");
      md.append("|---|---:|---|").append(footprint || streaming ? "---:|" : "").append("---:|\n");
      for (Map.Entry<String, RunResult> row : rows.entrySet()) {
        Result primary = row.getValue().getPrimaryResult();
        md.append("| ").append(row.getKey().equals(BASELINE) ? "**" + row.getKey() + "**" : row.getKey()).append(" | ")
            .append(format(primary.getScore())).append(" ± ").append(format(primary.getScoreError())).append(" | ")
            .append(primary.getScoreUnit()).append(" |");
        if (footprint) md.append(' ').append(format(secondary(row.getValue(), "bytesPerTask"))).append(" |");
        if (streaming) md.append(' ').append(format(secondary(row.getValue(), "peakLiveMb"))).append(" |");
        md.append(' ').append(base == null ? "n/a" : format(ratio(base, row.getValue(), footprint))).append(" |\n");
      }
      md.append('\n');
    }

    /** Scenario 5's steady measure: bytes per parked task counted object by object (see {@link ParkedTaskHistogram}). */
    private void parkedObjects() {
      md.append("## 5b. Footprint, counted object by object\n\n")
          .append("The same 100,000 parked tasks, counted by the JVM's class histogram before and after they park (the ")
          .append("classes with at least one new instance per two tasks), after a first round that loads what they use: ")
          .append("the bytes one parked task holds, steady from run to run where the heap read above swings. Measured ")
          .append("after the JMH run, in the runner's JVM; `ParkedTaskHistogram` prints the classes.\n\n");
      md.append("| contender | bytes per parked task | ratio |\n|---|---:|---:|\n");
      double base = parkedBytes.getOrDefault(BASELINE, Double.NaN);
      parkedBytes.forEach((contender, bytes) -> md.append("| ")
          .append(contender.equals(BASELINE) ? "**" + contender + "**" : contender).append(" | ").append(format(bytes))
          .append(" | ").append(format(bytes / base)).append(" |\n"));
      md.append('\n');
    }

    /** Scenario 10 has its own table: nanoseconds per item, and what each adds to the plain loop's. */
    private void costPerItem() {
      Map<String, RunResult> rows = select("CostPerItem", "", null);
      md.append("## 10. Cost per item against a plain loop\n\n`map` over 1,000,000 items with a trivial function (64 in flight), ")
          .append("beside a plain `for` loop doing the same work into a list on one thread (the physical floor); ")
          .append("nanoseconds per item. Every contender runs with a fixed heap touched at start (`-Xms2g -Xmx2g ")
          .append("-XX:+AlwaysPreTouch`): the default heap's growing and shrinking swamped what is measured here.\n\n");
      RunResult floor = rows.get("plainLoop");
      if (floor == null) {
        md.append("_No results (the benchmark failed or was excluded)._\n\n");
        return;
      }
      double loop = floor.getPrimaryResult().getScore();
      md.append("| contender | ns per item | above the plain loop |\n|---|---:|---:|\n");
      for (Map.Entry<String, RunResult> row : rows.entrySet()) {
        Result primary = row.getValue().getPrimaryResult();
        md.append("| ").append(row.getKey()).append(" | ").append(format(primary.getScore())).append(" ± ")
            .append(format(primary.getScoreError())).append(" | ")
            .append(row.getKey().equals("plainLoop") ? "" : format(primary.getScore() - loop)).append(" |\n");
      }
      md.append('\n');
    }

    /** How many times better the baseline is than {@code other}: time and bytes lower is better, throughput higher. */
    private static double ratio(RunResult base, RunResult other, boolean byBytes) {
      if (byBytes) return secondary(other, "bytesPerTask") / secondary(base, "bytesPerTask");
      double b = base.getPrimaryResult().getScore();
      double o = other.getPrimaryResult().getScore();
      return base.getPrimaryResult().getScoreUnit().contains("/op") ? o / b : b / o;
    }

    /** An aux counter's mean over the measurement iterations (JMH's own score sums them). */
    private static double secondary(RunResult r, String name) {
      Result<?> result = r.getSecondaryResults().get(name);
      return result == null ? Double.NaN : result.getStatistics().getMean();
    }

    private static String format(double v) {
      if (Double.isNaN(v)) return "n/a";
      if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
      return String.format(Locale.ROOT, "%.2f", v);
    }

    private double score(String scenario, String prefix, String contender) {
      RunResult r = select(scenario, prefix, null).get(contender);
      return r == null ? Double.NaN : r.getPrimaryResult().getScore();
    }

    private void targets() {
      md.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
      double fastestAlternative = Math.min(score("Overhead", "", "jdkPool"), Math.min(score("Overhead", "", "rawKotlinx"), score("Overhead", "", "reactor")));
      for (String side : List.of("corobridgeJava", "corobridgeKotlin")) {
        double speedup = fastestAlternative / score("Overhead", "", side);
        verdict("1. `map` overhead from " + (side.endsWith("Java") ? "Java" : "Kotlin") + ": at least 2x the fastest of JDK pool, raw kotlinx, Reactor",
            format(speedup) + "x", speedup >= 2);
      }
      for (String variant : List.of("async", "blocking")) {
        double ofIdeal = score("Latency", variant, BASELINE) / 100.0;
        verdict("2. latency-bound (" + variant + "): within 1.1x of the ideal 100 ms", format(ofIdeal) + "x ideal", ofIdeal <= 1.1);
      }
      for (String side : List.of("corobridgeJava", "corobridgeKotlin")) {
        double ofIdeal = score("Latency", "async", side) / 100.0;
        verdict("2. latency-bound (async) from " + (side.endsWith("Java") ? "Java" : "Kotlin") + ": within 1.05x of the ideal 100 ms",
            format(ofIdeal) + "x ideal (raw kotlinx " + format(score("Latency", "async", "rawKotlinx") / 100.0) + "x, Reactor "
                + format(score("Latency", "async", "reactor") / 100.0) + "x)", ofIdeal <= 1.05);
      }
      double ofPool = score("Latency", "blocking", BASELINE) / score("Latency", "blocking", "jdkPool");
      verdict("2. latency-bound (blocking) on platform threads: at most the JDK pool's time", format(ofPool) + "x the JDK pool", ofPool <= 1.0);
      if (feature >= 21) {
        double ofIdeal = score("Latency", "blocking", "corobridgeVirtualThreads") / 100.0;
        verdict("2. latency-bound (blocking), with `preferVirtualThreads(true)` (JDK 21+): within 1.1x of the ideal 100 ms",
            format(ofIdeal) + "x ideal", ofIdeal <= 1.1);
        double ofVirtual = score("Latency", "blocking", "corobridgeVirtualThreads") / score("Latency", "blocking", "virtualThreads");
        verdict("2. latency-bound (blocking), with `preferVirtualThreads(true)` (JDK 21+): at most raw virtual threads' time",
            format(ofVirtual) + "x raw virtual threads", ofVirtual <= 1.0);
      }
      List<String> sizes = params("Streaming", "n");
      if (!sizes.isEmpty()) {
        String n = sizes.get(sizes.size() - 1);
        double kotlin = streamingScore(n, "corobridgeKotlin");
        double faster = Math.min(streamingScore(n, "rawKotlinx"), streamingScore(n, "reactor")) / kotlin;
        verdict("4. streaming from Kotlin (n = " + n + "): at least 2x faster than raw kotlinx and Reactor", format(faster) + "x", faster >= 2);
        double ofJava = kotlin / streamingScore(n, BASELINE);
        verdict("4. streaming from Kotlin (n = " + n + "): within 1.5x of the Java path's time", format(ofJava) + "x the Java path", ofJava <= 1.5);
      }
      double bytes = parkedBytes.getOrDefault(BASELINE, Double.NaN);
      verdict("5. footprint: at most 400 bytes per parked task (5b, counted object by object)", format(bytes) + " bytes", bytes <= 400);
      verdict("5. footprint from Java: at most 300 bytes per parked task (5b)", format(bytes) + " bytes", bytes <= 300);
      double kotlinBytes = parkedBytes.getOrDefault("corobridgeKotlin", Double.NaN);
      double rawBytes = parkedBytes.getOrDefault("rawKotlinx", Double.NaN);
      verdict("5. footprint from Kotlin: at most raw kotlinx's bytes per parked task (5b)",
          format(kotlinBytes) + " against " + format(rawBytes) + " bytes", kotlinBytes <= rawBytes);
      double childBytes = parkedBytes.getOrDefault("corobridgeScopeChild", Double.NaN);
      verdict("7. footprint: at most 400 bytes per parked scope child (5b)", format(childBytes) + " bytes", childBytes <= 400);
      double throughput = score("Contention", "", BASELINE) / score("Contention", "", "jdkPool");
      verdict("6. contention: at least the JDK pool's throughput", format(throughput) + "x the JDK pool", throughput >= 1);
      double kotlinShare = score("Contention", "", "corobridgeKotlin") / score("Contention", "", BASELINE);
      verdict("6. contention from Kotlin: at least 0.8x the Java path's throughput", format(kotlinShare) + "x the Java path", kotlinShare >= 0.8);
      double raw = score("ScopeFanOut", "", "rawKotlinx");
      fanOutVerdict("Java, each scope joined by the caller's thread", "corobridgeJava", "raw kotlinx `coroutineScope` in one coroutine", raw);
      fanOutVerdict("Java, each scope joined by the caller's thread", "corobridgeJava", "raw kotlinx, each scope in `runBlocking` on the caller's thread",
          score("ScopeFanOut", "", "rawKotlinxEachFromThread"));
      fanOutVerdict("Java, scopes composed on the executor", "corobridgeJavaChained", "raw kotlinx `coroutineScope` in one coroutine", raw);
      fanOutVerdict("Kotlin", "corobridgeKotlin", "raw kotlinx `coroutineScope` in one coroutine", raw);
      for (String side : List.of("corobridgeJava", "corobridgeKotlin")) {
        double above = score("CostPerItem", "", side) - score("CostPerItem", "", "plainLoop");
        verdict("10. cost per item from " + (side.endsWith("Java") ? "Java" : "Kotlin") + ": at most 25 ns above a plain loop",
            format(above) + " ns", above <= 25);
      }
      md.append('\n');
    }

    /** Appends benchmarks/ANALYSIS.md, the hand-kept account of what was profiled and what limits Corobridge. */
    private void analysis() {
      Path notes = Path.of("benchmarks", "ANALYSIS.md");
      if (!Files.isReadable(notes)) return;
      try {
        md.append(Files.readString(notes).strip()).append("\n\n");
      } catch (IOException e) {
        md.append("_benchmarks/ANALYSIS.md could not be read: ").append(e.getMessage()).append("_\n\n");
      }
    }

    private double streamingScore(String n, String contender) {
      RunResult r = select("Streaming", "", n).get(contender);
      return r == null ? Double.NaN : r.getPrimaryResult().getScore();
    }

    private void fanOutVerdict(String side, String contender, String against, double againstScore) {
      double ratio = score("ScopeFanOut", "", contender) / againstScore;
      verdict("7. scope fan-out from " + side + ": at most 1.0x " + against, format(ratio) + "x", ratio <= 1.0);
    }

    private void verdict(String target, String measured, boolean met) {
      md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
    }
  }
}
