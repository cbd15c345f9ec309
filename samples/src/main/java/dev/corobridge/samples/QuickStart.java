// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryPolicy;
import dev.corobridge.ScopeOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The README's Java quick start, compiled and run as written ({@code ReadmeTest} checks that the README
 * shows exactly the lines between the markers).
 */
public final class QuickStart {
  private QuickStart() {}

  /** Runs the quick start against the local gallery server and returns what it printed. */
  public static List<String> run(Web web, List<URI> urls, Path path) throws Exception {
    List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
    // quick-start:begin
    try (AsyncExecutor executor = AsyncExecutor.builder()
            .maxWorkers(32)            // tasks in flight at once, async and blocking together
            .lane("image", 4)          // a named limit inside that bound
            .build()) {

      // An async task returns a CompletionStage; while it waits it holds a slot, not a thread.
      CompletableFuture<String> page = executor.submit(() -> web.text(urls.get(0)));

      // Blocking work runs on a blocking worker and is interrupted if cancelled.
      CompletableFuture<Long> size = executor.submitBlocking(() -> Files.size(path),
          TaskOptions.builder().lane("image").timeout(Duration.ofSeconds(5)).build());

      // Work that belongs to its caller: a scope finishes after its children, a failure cancels the
      // siblings, the deadline cancels whatever still runs.
      List<String> pages = executor.scoped(ScopeOptions.builder().deadline(Duration.ofSeconds(2)).build(), scope -> {
        List<CompletableFuture<String>> forks = urls.stream().map(u -> scope.fork(() -> web.text(u))).toList();
        return CompletableFuture.allOf(forks.toArray(CompletableFuture[]::new))
            .thenApply(done -> forks.stream().map(CompletableFuture::join).toList());
      }).join();

      // Ordered, fail-fast batch; retries with back-off on every item.
      List<Integer> lengths = executor.map(u -> web.text(u).thenApply(String::length), urls,
          MapOptions.builder().task(TaskOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMillis(100))).build()).build())
          .join();

      // Lazy, ordered, bounded streaming over any Iterable, even an endless one.
      try (Stream<String> bodies = executor.mapIter(web::text, urls)) {
        bodies.limit(2).forEach(body -> out.add("streamed " + body.length() + " chars"));
      }

      // Completion order, and the four wait strategies.
      for (CompletableFuture<String> next : executor.asCompleted(List.of(page))) out.add("first page: " + next.join().length());
      WaitResult<String> first = executor.waitFor(List.of(page), WaitStrategy.FIRST_SUCCESS, Duration.ofSeconds(1)).join();
      out.add(pages.size() + " pages, lengths " + lengths + ", " + size.join() + " bytes, " + first.done().size() + " done");
    }   // close(): accepts nothing new, waits for accepted work
    // quick-start:end
    return out;
  }
}
