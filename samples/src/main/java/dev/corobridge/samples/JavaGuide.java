// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryPolicy;
import dev.corobridge.ScopeOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The guide's examples from Java, end to end, against the local gallery server. */
public final class JavaGuide {
  private final AsyncExecutor executor;
  private final LocalGallery server;
  private final Web web = new Web();

  /** A guide that runs its examples on {@code executor} against {@code server}. */
  public JavaGuide(AsyncExecutor executor, LocalGallery server) {
    this.executor = executor;
    this.server = server;
  }

  /** Runs every example in turn, printing a progress line for each. */
  public void run() throws Exception {
    submit();
    map();
    mapIter();
    asCompleted();
    waitFor();
    retries();
    timeouts();
    sharedSemaphore();
    lanes();
    scopes();
  }

  private void submit() {
    CompletableFuture<String> page = executor.submit(() -> web.text(server.uri("/gallery/1")));
    CompletableFuture<Integer> blocking = executor.submitBlocking(() -> page.join().lines().mapToInt(Integer::parseInt).sum());
    Progress.line("java", "submit", "gallery page 1 has " + page.join().lines().count() + " images; ids sum to " + blocking.join());
  }

  private void map() {
    List<Integer> pages = IntStream.rangeClosed(1, 8).boxed().collect(Collectors.toList());
    List<Integer> counts = executor.map(p -> web.text(server.uri("/gallery/" + p)).thenApply(body -> (int) body.lines().count()), pages).join();
    Progress.line("java", "map", "images per page, in page order: " + counts);
  }

  private void mapIter() {
    Iterable<Integer> everyImage = () -> IntStream.iterate(0, i -> i + 1).iterator(); // endless
    try (Stream<byte[]> images = executor.mapIter(id -> web.bytes(server.uri("/image/" + id)), everyImage,
        MapOptions.builder().window(4).build())) {
      long bytes = images.limit(20).mapToLong(b -> b.length).sum();
      Progress.line("java", "mapIter", "streamed the first 20 images of an endless list, 4 in flight: " + bytes + " bytes");
    }
  }

  private void asCompleted() {
    List<CompletableFuture<String>> pages = new ArrayList<>();
    for (int p = 1; p <= 5; p++) {
      int page = p;
      pages.add(executor.submit(() -> web.text(server.uri("/gallery/" + page))));
    }
    List<String> order = new ArrayList<>();
    int i = 0;
    for (CompletableFuture<String> next : executor.asCompleted(pages)) {
      order.add("#" + (++i) + ":" + next.join().lines().count());
    }
    Progress.line("java", "asCompleted", "pages in completion order: " + order);
  }

  private void waitFor() {
    CompletableFuture<String> fast = executor.submit(() -> web.text(server.uri("/gallery/2")));
    CompletableFuture<String> never = new CompletableFuture<>();
    WaitResult<String> first = executor.waitFor(List.of(fast, never), WaitStrategy.FIRST_COMPLETED).join();
    WaitResult<String> bounded = executor.waitFor(List.of(fast, never), WaitStrategy.ALL_COMPLETED, Duration.ofMillis(50)).join();
    Progress.line("java", "waitFor", "FIRST_COMPLETED: " + first.done().size() + " done; ALL_COMPLETED with a 50 ms timeout: "
        + bounded.done().size() + " done, " + bounded.pending().size() + " pending (never cancelled: " + !never.isCancelled() + ")");
  }

  private void retries() {
    TaskOptions retrying = TaskOptions.builder()
        .retry(RetryPolicy.exponential(3, Duration.ofMillis(10)).retryOn(HttpStatusException.class))
        .build();
    String answer = executor.submit(() -> web.text(server.uri("/flaky/java")), retrying).join();
    Progress.line("java", "retries", "\"" + answer + "\", retries so far: " + executor.stats().retried());
  }

  private void timeouts() {
    CompletableFuture<String> slow = executor.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofMillis(30)).build());
    Throwable failure = slow.handle((v, e) -> e).join();
    Progress.line("java", "timeouts", "a task that never answers fails with " + failure.getClass().getSimpleName()
        + (failure instanceof TimeoutException ? ", as promised" : ""));
  }

  private void sharedSemaphore() {
    AsyncSemaphore apiLimit = AsyncSemaphore.create(LocalGallery.API_LIMIT);
    TaskOptions limited = TaskOptions.builder().semaphore(apiLimit).build();
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int n = i;
      answers.add(executor.submit(() -> web.text(server.uri("/api/" + n)), limited));
    }
    answers.forEach(CompletableFuture::join);
    Progress.line("java", "semaphore", "30 calls to an API that allows " + LocalGallery.API_LIMIT + " at once: peak "
        + server.apiPeak() + ", refused " + server.apiRejected());
  }

  private void lanes() {
    TaskOptions galleryLane = TaskOptions.builder().lane("gallery").build();
    TaskOptions imageLane = TaskOptions.builder().lane("image").build();
    List<Integer> pages = IntStream.rangeClosed(1, 6).boxed().collect(Collectors.toList());
    List<String> listings = executor.map(p -> web.text(server.uri("/gallery/" + p)), pages,
        MapOptions.builder().task(galleryLane).build()).join();
    List<Integer> ids = listings.stream().flatMap(String::lines).map(Integer::parseInt).collect(Collectors.toList());
    List<byte[]> images = executor.map(id -> web.bytes(server.uri("/image/" + id)), ids,
        MapOptions.builder().task(imageLane).build()).join();
    long bytes = images.stream().mapToLong(b -> b.length).sum();
    Progress.line("java", "lanes", "crawled " + pages.size() + " pages on lane gallery and " + images.size()
        + " images on lane image: " + bytes + " bytes");
  }

  /** A fan-out of page fetches that belongs to its caller: a deadline, failures cancel the siblings. */
  private void scopes() throws InterruptedException {
    ScopeOptions twoSeconds = ScopeOptions.builder().deadline(Duration.ofSeconds(2)).name("gallery pages").build();
    List<Integer> counts = executor.scoped(twoSeconds, scope -> {
      List<CompletableFuture<Integer>> pages = new ArrayList<>();
      for (int p = 1; p <= 6; p++) {
        URI page = server.uri("/gallery/" + p);
        pages.add(scope.fork(() -> web.text(page).thenApply(body -> (int) body.lines().count())));
      }
      return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new))
          .thenApply(done -> pages.stream().map(CompletableFuture::join).collect(Collectors.toList()));
    }).join();

    CompletableFuture<Object> stuck;
    try (TaskScope scope = executor.openScope(ScopeOptions.builder().deadline(Duration.ofMillis(100)).build())) {
      scope.fork(() -> web.text(server.uri("/gallery/1")));
      stuck = scope.fork(CompletableFuture::new); // never answers: the deadline cancels it
      try {
        scope.join();
      } catch (java.util.concurrent.CompletionException expected) {
        Progress.line("java", "scopes", "6 pages fetched in one scope: " + counts + "; a scope with a 100 ms deadline failed with "
            + expected.getCause().getClass().getSimpleName() + " and cancelled its stuck child: " + stuck.isCancelled());
      }
    }
  }
}
