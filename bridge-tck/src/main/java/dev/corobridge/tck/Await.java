// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting helpers with generous bounds: a contract test fails instead of hanging. */
public final class Await {
  /** How long any single wait may take before the test fails. */
  public static final Duration LIMIT = Duration.ofSeconds(20);

  private Await() {}

  /**
   * Waits for the future's value; fails the test if it takes longer than {@link #LIMIT}.
   *
   * @param <T> the type of the value
   * @param future the future to wait for
   * @return its value
   */
  public static <T> T value(Future<T> future) {
    try {
      return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("future did not complete within " + LIMIT + ": " + future);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(e);
    } catch (ExecutionException e) {
      return fail("future failed", e.getCause());
    }
  }

  /**
   * Waits for the future to fail and returns the failure's cause (the task's own exception).
   *
   * @param future the future to wait for
   * @return its failure, unwrapped
   */
  public static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected a failure, got a value");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    } catch (TimeoutException e) {
      return fail("future did not complete within " + LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(e);
    }
  }

  /**
   * Waits for the future to be done in any way.
   *
   * @param future the future to wait for
   */
  public static void done(Future<?> future) {
    try {
      future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
      // done
    } catch (TimeoutException e) {
      fail("future did not complete within " + LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(e);
    }
  }

  /**
   * Polls until the condition holds; fails the test after {@link #LIMIT}.
   *
   * @param condition polled until it holds
   * @param what describes the condition for the failure message
   */
  public static void until(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting until " + what.get());
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /**
   * Runs the action in a thread and fails if it does not finish within {@link #LIMIT}.
   *
   * @param action the action to run
   * @param what names the action for the failure message
   */
  public static void finishes(Runnable action, String what) {
    CompletableFuture<Void> f = CompletableFuture.runAsync(action, r -> {
      Thread t = new Thread(r, "tck-" + what);
      t.setDaemon(true);
      t.start();
    });
    try {
      f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail(what + " did not finish within " + LIMIT + " (deadlock?)");
    } catch (ExecutionException e) {
      fail(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(e);
    }
  }
}
