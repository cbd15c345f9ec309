// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static dev.corobridge.tck.Await.LIMIT;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorShutdownException;
import dev.corobridge.ExecutorStats;
import dev.corobridge.test.ExecutorChecks;
import dev.corobridge.test.ThreadLeakCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract area shares: the engine under test, executors that are shut down after each
 * test (the test fails if one does not terminate in time: a lost task or a leaked permit shows up
 * here), and assertions that name what they check.
 */
public abstract class ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ContractSupport() {}

  private final List<AsyncExecutor> executors = new ArrayList<>();
  private ThreadLeakCheck threads;

  /**
   * The runtime under test.
   *
   * @return the runtime
   */
  protected abstract RuntimeUnderTest runtime();

  /**
   * A new running executor with the given bound, shut down after the test.
   *
   * @param maxWorkers the most tasks in flight at once
   * @return the executor
   */
  protected AsyncExecutor newExecutor(int maxWorkers) {
    return newExecutor(b -> b.maxWorkers(maxWorkers));
  }

  /**
   * {@code wanted}, or the most workers the runtime offers if that is fewer.
   *
   * @param wanted the number of workers the test would like
   * @return the number it gets
   */
  protected int workersUpTo(int wanted) {
    return Math.min(wanted, runtime().provider().maxWorkersLimit());
  }

  /**
   * A new running executor configured by {@code config}, shut down after the test.
   *
   * @param config configures the builder
   * @return the executor
   */
  protected AsyncExecutor newExecutor(Consumer<AsyncExecutor.Builder> config) {
    AsyncExecutor.Builder builder = AsyncExecutor.builder().name("tested-" + getClass().getSimpleName()); // not "tck-": those are the tests' own threads
    config.accept(builder);
    AsyncExecutor executor = runtime().provider().create(builder.toConfig());
    synchronized (executors) {
      executors.add(executor);
    }
    return executor;
  }

  @BeforeEach
  void snapshotThreads() {
    threads = ThreadLeakCheck.start().ignoring(t -> runtime().isSharedRuntimeThread(t) || t.getName().startsWith("tck-"));
  }

  @AfterEach
  void shutDownExecutors() throws Exception {
    List<AsyncExecutor> made;
    synchronized (executors) {
      made = new ArrayList<>(executors);
      executors.clear();
    }
    for (AsyncExecutor executor : made) {
      executor.shutdown(false, true);
    }
    for (AsyncExecutor executor : made) {
      executor.termination().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(executor.isTerminated(), "executor terminated");
    }
  }

  /** Asserts that no thread started since the test began is alive, apart from shared runtime threads. */
  protected void assertNoThreadLeft() {
    threads.assertNoneLeft(LIMIT);
  }

  /**
   * Asserts that no thread an executor made is alive now, without waiting: for the moment an executor
   * reports termination.
   *
   * @param when the moment checked, for the failure message
   */
  protected void assertNoThreadAliveNow(String when) {
    List<String> left = threads.leftNow();
    assertTrue(left.isEmpty(), when + ": threads made by the executor are alive: " + left);
  }

  /**
   * Waits until the executor is quiescent, asserts that its stats balance and returns them.
   *
   * @param executor the executor to check
   * @return its stats
   */
  protected static ExecutorStats assertBalanced(AsyncExecutor executor) {
    return ExecutorChecks.awaitBalanced(executor, LIMIT);
  }

  /**
   * Asserts that {@code call} throws {@code type} with a message naming {@code parameter}.
   *
   * @param <E> the type of the exception
   * @param type the exception type expected
   * @param parameter the name the message must mention
   * @param call the call to make
   * @return the exception thrown
   */
  protected static <E extends Throwable> E assertRejects(Class<E> type, String parameter, Runnable call) {
    E e = assertThrows(type, call::run);
    assertTrue(e.getMessage() != null && e.getMessage().contains(parameter),
        () -> "message names \"" + parameter + "\": " + e.getMessage());
    return e;
  }

  /**
   * Asserts that the call is refused at the call because the executor is shut down.
   *
   * @param call the call to make
   */
  protected static void assertShutdownRejects(Runnable call) {
    ExecutorShutdownException e = assertThrows(ExecutorShutdownException.class, call::run);
    assertInstanceOf(RejectedExecutionException.class, e);
  }

  /**
   * Asserts that the future failed with exactly {@code expected}, the very instance.
   *
   * @param expected the exception instance expected
   * @param future the future to check
   */
  protected static void assertFailsWith(Throwable expected, CompletableFuture<?> future) {
    assertSame(expected, Await.failure(future));
  }
}
