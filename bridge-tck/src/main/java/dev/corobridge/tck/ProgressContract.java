// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.BatchProgress;
import dev.corobridge.MapOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link MapOptions.Builder#onProgress}: a batch tells how far it has come, throttled, never two reports at once
 * and never going back, and once more, finished, when it has ended; on every runtime.
 */
public abstract class ProgressContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ProgressContract() {}

  /** Keeps every report, and fails a report made while another is being made. */
  private static final class Reports implements Consumer<BatchProgress> {
    final Queue<BatchProgress> heard = new ConcurrentLinkedQueue<>();
    final AtomicInteger reporting = new AtomicInteger();
    volatile boolean overlapped;

    @Override
    public void accept(BatchProgress progress) {
      if (reporting.incrementAndGet() != 1) overlapped = true;
      heard.add(progress);
      Thread.yield(); // widens the window for an overlapping report
      reporting.decrementAndGet();
    }

    List<BatchProgress> list() {
      return List.copyOf(heard);
    }

    BatchProgress last() {
      List<BatchProgress> all = list();
      return all.get(all.size() - 1);
    }

    boolean finished() {
      return heard.stream().anyMatch(BatchProgress::finished);
    }

    /** Checks what holds for every batch's reports: one at a time, counts never back, one last report, at the end. */
    void assertWellFormed(int window) {
      assertFalse(overlapped, "two reports at once");
      List<BatchProgress> all = list();
      assertEquals(1, all.stream().filter(BatchProgress::finished).count(), "one last report: " + all);
      assertTrue(all.get(all.size() - 1).finished(), "the last report comes last: " + all);
      for (int i = 1; i < all.size(); i++) {
        BatchProgress before = all.get(i - 1);
        BatchProgress after = all.get(i);
        assertTrue(after.done() >= before.done() && after.failed() >= before.failed(), "never back: " + before + " then " + after);
        assertTrue(after.elapsed().compareTo(before.elapsed()) >= 0, "time moves on: " + before + " then " + after);
      }
      for (BatchProgress report : all) assertTrue(report.inFlight() <= window, "at most the window in flight: " + report);
      assertEquals(0, all.get(all.size() - 1).inFlight(), "nothing in flight at the end");
    }
  }

  private static MapOptions everyItem(Reports reports, int window) {
    return MapOptions.builder().window(window).onProgress(Duration.ZERO, reports).build();
  }

  private static CompletableFuture<Integer> soon(int value) {
    return CompletableFuture.supplyAsync(() -> value,
        CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS));
  }

  @Test
  void aMapReportsEachItemAndItsLastReportComesBeforeItsFutureCompletes() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(4);
    List<Integer> results = Await.value(executor.map(ProgressContract::soon, IntStream.range(0, 60).boxed().toList(), everyItem(reports, 3)));
    assertEquals(60, results.size());
    assertTrue(reports.finished(), "told the last report before the future completed: " + reports.heard);
    reports.assertWellFormed(3);
    BatchProgress last = reports.last();
    assertEquals(60, last.done());
    assertEquals(0, last.failed());
    assertEquals(OptionalLong.of(60), last.total());
    assertEquals(1.0, last.fraction().orElseThrow());
    assertTrue(last.ratePerSecond() > 0, last::toString);
    assertTrue(reports.heard.size() > 1, "reports while items finished, with no interval: " + reports.heard.size());
  }

  @Test
  void aBlockingMapReportsLikewise() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(4);
    Await.value(executor.mapBlocking(i -> {
      Thread.sleep(ThreadLocalRandom.current().nextInt(2));
      return i;
    }, IntStream.range(0, 40).boxed().toList(), everyItem(reports, 4)));
    assertTrue(reports.finished(), "told the last report before the future completed");
    reports.assertWellFormed(4);
    assertEquals(40, reports.last().done());
  }

  @Test
  void aLongIntervalLeavesOnlyTheLastReportForAQuickBatch() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(2);
    Await.value(executor.map(CompletableFuture::completedFuture, IntStream.range(0, 100).boxed().toList(),
        MapOptions.builder().onProgress(Duration.ofHours(1), reports).build()));
    assertEquals(1, reports.heard.size(), "throttled to the last report: " + reports.heard);
    assertTrue(reports.last().finished());
    assertEquals(100, reports.last().done());
  }

  @Test
  void aFailedBatchEndsWithALastReportCountingTheFailedAndCancelledItems() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(4);
    Await.failure(executor.map(i -> i == 7 ? CompletableFuture.failedFuture(new IOException("item 7")) : soon(i),
        IntStream.range(0, 50).boxed().toList(), everyItem(reports, 4)));
    Await.until(reports::finished, () -> "the last report once every item stopped: " + reports.heard);
    reports.assertWellFormed(4);
    BatchProgress last = reports.last();
    assertTrue(last.failed() >= 1, last::toString);
    assertTrue(last.done() + last.failed() <= 50, last::toString);
  }

  @Test
  void aBatchEndedFromOutsideByItsTimeoutOrACancelStillEndsWithALastReport() {
    AsyncExecutor executor = newExecutor(4);
    Reports timedOut = new Reports();
    Await.failure(executor.map(i -> i < 3 ? CompletableFuture.completedFuture(i) : new CompletableFuture<Integer>(),
        IntStream.range(0, 20).boxed().toList(),
        MapOptions.builder().window(4).timeout(Duration.ofMillis(50)).onProgress(Duration.ZERO, timedOut).build()));
    Reports cancelled = new Reports();
    CompletableFuture<List<Integer>> batch = executor.map(i -> new CompletableFuture<Integer>(), IntStream.range(0, 20).boxed().toList(),
        MapOptions.builder().window(4).onProgress(Duration.ZERO, cancelled).build());
    batch.cancel(true);
    for (Reports reports : List.of(timedOut, cancelled)) {
      Await.until(reports::finished, () -> "the last report once the items stopped: " + reports.heard);
      reports.assertWellFormed(4); // a cancel at once may come before any item was taken up: then 0/20, finished
    }
    assertEquals(3, timedOut.last().done(), "the three quick items: " + timedOut.last());
    assertTrue(timedOut.last().failed() >= 1, "the items in flight at the timeout were cancelled: " + timedOut.last());
  }

  @Test
  void anEmptyBatchReportsOnceFinished() {
    Reports map = new Reports();
    Reports stream = new Reports();
    AsyncExecutor executor = newExecutor(2);
    assertEquals(List.of(), Await.value(executor.map(CompletableFuture::completedFuture, List.<Integer>of(), everyItem(map, 2))));
    try (Stream<Integer> results = executor.mapIter(CompletableFuture::completedFuture, List.<Integer>of(), everyItem(stream, 2))) {
      assertEquals(List.of(), results.toList());
    }
    for (Reports reports : List.of(map, stream)) {
      Await.until(reports::finished, () -> "one last report: " + reports.heard);
      assertEquals(List.of("0/0 finished"), reports.heard.stream().map(p -> p.done() + "/" + p.total().orElse(-1) + (p.finished() ? " finished" : "")).toList());
    }
  }

  @Test
  void aStreamReportsItsItemsAndALastReportWhenExhausted() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> results = executor.mapIter(ProgressContract::soon, IntStream.range(0, 30).boxed().toList(), everyItem(reports, 3))) {
      assertEquals(30, results.count());
    }
    Await.until(reports::finished, () -> "the last report: " + reports.heard);
    reports.assertWellFormed(3);
    assertEquals(30, reports.last().done());
    assertEquals(OptionalLong.of(30), reports.last().total(), "a list's size is known");
  }

  @Test
  void aStreamOverAnIterableOfUnknownSizeReportsNoTotalAndClosingItEndsItsReports() {
    Reports reports = new Reports();
    AsyncExecutor executor = newExecutor(4);
    try (Stream<Integer> results = executor.mapIter(i -> i < 5 ? CompletableFuture.completedFuture(i) : new CompletableFuture<Integer>(),
        BatchContract.endless(new AtomicInteger()), everyItem(reports, 4))) {
      assertEquals(List.of(0, 1, 2, 3, 4), results.limit(5).toList());
    }
    Await.until(reports::finished, () -> "the last report once the closed stream's items stopped: " + reports.heard);
    reports.assertWellFormed(4);
    BatchProgress last = reports.last();
    assertEquals(OptionalLong.empty(), last.total());
    assertTrue(last.fraction().isEmpty());
    assertTrue(last.done() >= 5, last::toString);
    assertTrue(last.failed() >= 1, "the items in flight were cancelled: " + last);
  }

  @Test
  void aListenerThatThrowsChangesNothingForTheBatchAndGoesToTheUncaughtHandler() {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    IllegalStateException bug = new IllegalStateException("progress bar bug");
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).onUncaughtError(uncaught::add));
    List<Integer> results = Await.value(executor.map(CompletableFuture::completedFuture, List.of(1, 2, 3),
        MapOptions.builder().onProgress(Duration.ZERO, progress -> {
          throw bug;
        }).build()));
    assertEquals(List.of(1, 2, 3), results);
    Await.until(() -> !uncaught.isEmpty(), () -> "handed to onUncaughtError");
    assertTrue(uncaught.stream().allMatch(e -> e == bug), uncaught::toString);
  }

  @Test
  void theBuilderRefusesANullListenerAndANegativeIntervalNamingThem() {
    assertRejects(NullPointerException.class, "listener", () -> MapOptions.builder().onProgress(null));
    assertRejects(NullPointerException.class, "interval", () -> MapOptions.builder().onProgress(null, p -> { }));
    assertRejects(IllegalArgumentException.class, "interval", () -> MapOptions.builder().onProgress(Duration.ofMillis(-1), p -> { }));
    assertRejects(IllegalArgumentException.class, "total", () -> new BatchProgress(0, 0, 0, -2, 0, false));
  }
}
