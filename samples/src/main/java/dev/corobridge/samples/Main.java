// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorStats;
import dev.corobridge.RunningTasks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Runs the whole guide: a local gallery server on 127.0.0.1, one executor with lanes {@code gallery}
 * and {@code image}, the Java examples, then the Kotlin examples on the same executor, and last the
 * deferred side effects of a request handler, of a Spring transaction (H2 in-process) and of a Spring Boot
 * service over HTTP on a loopback port, the same sign-ups with their mails sent by two worker JVMs (a db-scheduler
 * outbox over H2 in server mode), a components
 * pipeline (DuckDB and a local web service),
 * and the cooperative test runtime with its virtual clock; a listener reports the retries as they happen and
 * Micrometer's meters sum the run up at the end.
 */
public final class Main {
  private Main() {}

  /** Runs the samples; exits non-zero if anything fails. */
  public static void main(String[] args) throws Exception {
    ExecutorStats stats = runAll();
    System.out.println("done: " + stats);
  }

  /** Runs every sample and returns the shared executor's final counters. */
  public static ExecutorStats runAll() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RunningTasks running = RunningTasks.create();
    try (LocalGallery server = LocalGallery.start();
         AsyncExecutor executor = ObservabilityGuide.monitored(registry, running, AsyncExecutor.builder()
             .name("samples")
             .maxWorkers(16)
             .lane("gallery", 2)
             .lane("image", 4)
             .onUncaughtError(e -> System.err.println("background task failed: " + e)))) {
      Progress.line("setup", "server", "local gallery at " + server.uri("/"));
      new JavaGuide(executor, server).run();
      new KotlinGuide(executor, server).run();
      new SignupGuide(executor).run();
      new SpringSignupGuide(executor).run();
      java.util.List<String> sent = dev.corobridge.samples.boot.BootSignupService.run(
          (status, body) -> Progress.line("java", "spring-boot", "POST /signups -> " + status + " " + body));
      Progress.line("java", "spring-boot", "left after commit and a successful request: " + sent);
      dev.corobridge.samples.distributed.DistributedSignupGuide.run(null, 2, 30, line -> Progress.line("java", "distributed", line));
      try (PriceGuide prices = new PriceGuide(executor)) {
        prices.run(java.util.List.of("apples", "pears"));
      }
      VirtualTimeGuide.run();
      ObservabilityGuide.contextFollows(executor);
      ObservabilityGuide.longRun(executor, running);
      executor.close();
      ObservabilityGuide.report(registry);
      return executor.stats();
    }
  }
}
