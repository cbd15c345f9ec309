// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.internal.HandOffQueue;
import dev.corobridge.internal.OwnThreads;
import dev.corobridge.internal.SharedTimer;
import dev.corobridge.internal.Timed;
import dev.corobridge.internal.WorkerThreads;
import dev.corobridge.spi.ExecutorConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Creates {@link ThreadedExecutor}s on the hosts the public runtimes offer. Not part of the public API. */
public final class ThreadedRuntimes {
  private ThreadedRuntimes() {}

  /**
   * An executor on threads of its own, started when needed, ended when idle for a while and at
   * termination. The worker slots bound how many run at once: {@code maxWorkers}, plus one for each
   * blocking task that lends its slot while it waits for work it started (a scope's {@code join}).
   */
  public static ThreadedExecutor onOwnThreads(ExecutorConfig config, int queueCapacity, String runtimeName) {
    OwnThreads own = new OwnThreads(WorkerThreads.factory(config.name(), "worker", config.preferVirtualThreads()));
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new HandOffQueue(), own);
    return new ThreadedExecutor(config, new RealTimeHost(threads, runtimeName) {
      @Override
      public void terminated(CompletableFuture<Void> termination) {
        threads.shutdown();
        own.completeWhenAllEnded(termination);
      }
    }, queueCapacity);
  }

  /** An executor that runs its work on the caller's {@code executor}, which it neither owns nor shuts down. */
  public static ThreadedExecutor onExecutor(ExecutorConfig config, Executor executor) {
    return new ThreadedExecutor(config, new RealTimeHost(executor, "executor(" + executor.getClass().getSimpleName() + ")") {
      @Override
      public boolean mayDropWork() {
        return executor instanceof java.util.concurrent.ExecutorService;
      }

      @Override
      public boolean droppedWork() {
        return executor instanceof java.util.concurrent.ExecutorService pool && pool.isTerminated();
      }
    }, Integer.MAX_VALUE);
  }

  /** An executor on a manual loop: nothing runs until the loop is driven. */
  public static ThreadedExecutor onLoop(ExecutorConfig config, ManualLoop loop) {
    return new ThreadedExecutor(config, loop, Integer.MAX_VALUE);
  }

  /** Real threads and real time: bodies run on an {@link Executor}, timers on the shared timer thread. */
  private static class RealTimeHost implements Host {
    private final Executor workers;
    private final String runtimeName;

    RealTimeHost(Executor workers, String runtimeName) {
      this.workers = workers;
      this.runtimeName = runtimeName;
    }

    @Override
    public void execute(Runnable work) {
      workers.execute(work);
    }

    @Override
    public Timed schedule(Runnable action, long delayNanos) {
      return SharedTimer.schedule(action, delayNanos);
    }

    @Override
    public void awaitDone(Future<?> future) throws InterruptedException {
      try {
        future.get();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException outcome) {
        // done; the caller reads the outcome
      }
    }


    @Override
    public String runtimeName() {
      return runtimeName;
    }
  }
}
