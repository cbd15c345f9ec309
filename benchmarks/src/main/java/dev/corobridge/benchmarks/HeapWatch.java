// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap in use right after any garbage collection since the last {@link #reset()}: a measure of
 * what a benchmark keeps alive (its live set), not of the garbage it makes.
 */
final class HeapWatch {
  private static final AtomicLong maxLiveAfterGc = new AtomicLong();
  private static final AtomicLong collections = new AtomicLong();

  static {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter emitter)) continue;
      emitter.addNotificationListener((notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) used += usage.getUsed();
        maxLiveAfterGc.accumulateAndGet(used, Math::max);
        collections.incrementAndGet();
      }, null, null);
    }
  }

  private HeapWatch() {}

  static void reset() {
    maxLiveAfterGc.set(0);
    collections.set(0);
  }

  /** Megabytes live after the fullest collection since reset, or -1 if no collection happened. */
  static double peakLiveMegabytes() {
    return collections.get() == 0 ? -1 : maxLiveAfterGc.get() / (1024.0 * 1024.0);
  }
}
