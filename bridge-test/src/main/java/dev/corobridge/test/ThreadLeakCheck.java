// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds threads that were started after a snapshot and are still alive: the threads an executor made and did
 * not end. Take the snapshot before the test starts its executors and check after it has closed them:
 *
 * <pre>{@code
 * ThreadLeakCheck threads = ThreadLeakCheck.start();
 * try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(4).build()) {
 *   executor.submitBlocking(() -> work()).join();
 * }
 * threads.assertNoneLeft(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Threads that runtimes share across executors and that may outlive each of them are not counted: the JDK's
 * common pool and the threads of its virtual-thread scheduler (carriers, and the delay scheduler since JDK 25), the
 * thread of {@link java.util.concurrent.CompletableFuture#delayedExecutor}, kotlinx.coroutines' shared workers, and
 * Corobridge's shared {@code corobridge-timer} and {@code corobridge-cleaner} threads. {@link #ignoring(Predicate)} adds
 * others, such as the threads of a pool the test passed to {@code ExecutorRuntime}. Immutable and thread-safe.
 */
public final class ThreadLeakCheck {
  /**
   * Whether {@code thread} is one that runtimes share across executors and that may outlive each of them (the
   * threads listed in the class comment), which {@link #start()}'s check does not count. For a test runtime's own
   * notion of shared threads, such as the TCK's.
   *
   * @param thread a thread
   * @return whether it is shared by runtimes
   * @throws NullPointerException if {@code thread} is null
   */
  public static boolean isSharedByRuntimes(Thread thread) {
    String name = Checks.notNull(thread, "thread").getName();
    return name.startsWith("ForkJoinPool.commonPool") || isOfVirtualThreadScheduler(thread)
        || name.equals("VirtualThread-unparker") || name.equals("VirtualThread-unblocker")
        || name.startsWith("CompletableFutureDelayScheduler")
        || name.startsWith("DefaultDispatcher-worker") || name.startsWith("kotlinx.coroutines.DefaultExecutor")
        || name.startsWith("corobridge-timer") || name.equals("corobridge-cleaner");
  }

  /**
   * A thread of the JDK's virtual-thread scheduler: a carrier, told from the threads of a {@code ForkJoinPool} of
   * one's own by its class, or another thread of the scheduler's group (its delay scheduler, since JDK 25), told from a
   * pool of one's own by that group.
   */
  private static boolean isOfVirtualThreadScheduler(Thread t) {
    if (t.getClass().getName().equals("jdk.internal.misc.CarrierThread")) return true;
    ThreadGroup group = t.getThreadGroup(); // null once the thread has ended
    return group != null && group.getName().equals("CarrierThreads");
  }

  private final Set<Thread> before;
  private final Predicate<Thread> ignored;

  private ThreadLeakCheck(Set<Thread> before, Predicate<Thread> ignored) {
    this.before = before;
    this.ignored = ignored;
  }

  /**
   * Takes the snapshot: every thread alive now is not counted later.
   *
   * @return the check
   */
  public static ThreadLeakCheck start() {
    return new ThreadLeakCheck(Set.copyOf(Thread.getAllStackTraces().keySet()), ThreadLeakCheck::isSharedByRuntimes);
  }

  /**
   * A check with the same snapshot that also does not count the threads {@code thread} accepts.
   *
   * @param thread accepts the threads not to count
   * @return the new check; this one is unchanged
   * @throws NullPointerException if {@code thread} is null
   */
  public ThreadLeakCheck ignoring(Predicate<Thread> thread) {
    Checks.notNull(thread, "thread");
    return new ThreadLeakCheck(before, ignored.or(thread));
  }

  /**
   * The names of the threads started since the snapshot, alive now and not ignored, without waiting.
   *
   * @return their names, empty when none is left
   */
  public List<String> leftNow() {
    List<String> left = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !before.contains(t) && !ignored.test(t)) {
        left.add(t.getName());
      }
    }
    return left;
  }

  /**
   * Waits until no thread started since the snapshot is alive, apart from the ignored ones. Threads usually
   * end a little after the executor that made them reports termination, hence the wait.
   *
   * @param timeout how long to wait at most; a duration too large for nanoseconds means no limit
   * @throws AssertionError naming the threads still alive, when they have not ended within {@code timeout}
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public void assertNoneLeft(Duration timeout) {
    Polling.until(this::leftNow, List::isEmpty, timeout,
        left -> "threads started during the test are still alive after " + timeout + ": " + left);
  }

  /**
   * Checks, without waiting, that no thread started since the snapshot is alive apart from the ignored ones:
   * for the moment an executor reports termination, when every thread it made must have ended.
   *
   * @throws AssertionError naming the threads alive
   */
  public void assertNoneAliveNow() {
    List<String> left = leftNow();
    if (!left.isEmpty()) {
      throw new AssertionError("threads started during the test are alive: " + left);
    }
  }
}
