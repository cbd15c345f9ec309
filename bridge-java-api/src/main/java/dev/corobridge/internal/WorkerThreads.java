// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for an executor's own threads: daemon platform threads named
 * {@code <executor>-<role>-<n>}, or virtual threads where the JDK has them (21+, found at run time so
 * that the library still runs on 17). Not part of the public API.
 */
public final class WorkerThreads {
  private WorkerThreads() {}

  /** {@code Thread.ofVirtual()} and the builder's {@code name(String, long)} and {@code factory()}, or null before JDK 21. */
  private static final MethodHandle OF_VIRTUAL;
  private static final MethodHandle NAME;
  private static final MethodHandle FACTORY;

  static {
    MethodHandle ofVirtual = null;
    MethodHandle name = null;
    MethodHandle factory = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
      name = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class, long.class));
      factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
    } catch (ReflectiveOperationException | LinkageError e) {
      ofVirtual = null;
    }
    OF_VIRTUAL = ofVirtual;
    NAME = name;
    FACTORY = factory;
  }

  /**
   * A scheduler on one daemon thread named {@code threadName}, for timers shared by every executor of
   * the JVM; cancelled actions are removed at once.
   */
  public static ScheduledThreadPoolExecutor sharedScheduler(String threadName) {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, threadName);
      thread.setDaemon(true);
      return thread;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /** Whether this JVM can start virtual threads. */
  public static boolean virtualThreadsAvailable() {
    return OF_VIRTUAL != null;
  }

  /**
   * Returns a factory of threads named {@code <executorName>-<role>-<n>}: virtual ones if
   * {@code preferVirtual} and the JDK has them, else daemon platform threads, which never hold the JVM up.
   */
  public static ThreadFactory factory(String executorName, String role, boolean preferVirtual) {
    String prefix = executorName + "-" + role + "-";
    if (preferVirtual && OF_VIRTUAL != null) {
      try {
        Object builder = NAME.invoke(OF_VIRTUAL.invoke(), prefix, 1L);
        return (ThreadFactory) FACTORY.invoke(builder);
      } catch (Throwable e) {
        throw new IllegalStateException("cannot create virtual threads", e);
      }
    }
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
