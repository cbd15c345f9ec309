// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Lets {@link Intent#PRIORITY} decide which intent runs next on an executor that starts tasks in the
 * order they were submitted. One task is submitted per intent; whichever of those tasks starts takes the
 * waiting intent of its kind with the highest priority (the earliest of equals). So when intents queue up
 * behind a busy executor the urgent ones overtake, and without priorities the order is first in, first out.
 *
 * <p>An intent waits here only once its task was accepted (or has started): a task the executor refuses
 * leaves nothing behind, so its dispatch fails cleanly. Every started task takes exactly one intent, and
 * one always waits for it: its own, unless a task that started before took that one, which left its own
 * waiting in turn. A task that ends without starting (cancelled by a shutdown) removes one waiting intent
 * of its kind, logged as not run. "Of the same kind" is what the task is submitted with: the lane, the
 * retry policy and the timeout. Guarded by this: dispatch is not the per-task path.
 *
 * @param <T> what a task runs: the intent itself, or an attempt at it
 */
final class PriorityHandOff<T> {
  private static final System.Logger LOG = System.getLogger("dev.corobridge.intent");
  private static final Comparator<Entry<?>> FIRST_TO_RUN = Comparator.<Entry<?>>comparingInt(e -> -e.priority).thenComparingLong(e -> e.order);

  /** What an intent's task is submitted with, so only intents of one kind may stand in for each other. */
  private record Kind(String queue, Object retry, Object timeout) {
    static Kind of(Intent intent) {
      return new Kind(intent.queue().orElse(null), intent.retry().orElse(null), intent.timeout().orElse(null));
    }
  }

  /** One intent's place: new (its task not yet accepted), waiting, or taken. */
  static final class Entry<T> {
    private final Kind kind;
    private final T item;
    private final int priority;
    private final long order;
    private boolean waiting;
    private boolean taken;

    private Entry(Kind kind, T item, int priority, long order) {
      this.kind = kind;
      this.item = item;
      this.priority = priority;
      this.order = order;
    }
  }

  private final Map<Kind, PriorityQueue<Entry<T>>> waiting = new HashMap<>();
  private long arrivals;

  /** A place for {@code item}, which runs {@code intent}; it waits once {@link #accepted} or its task starts. */
  synchronized Entry<T> entry(Intent intent, T item) {
    return new Entry<>(Kind.of(intent), item, intent.priority().orElse(0), arrivals++);
  }

  /** The executor accepted the task of {@code entry}: the entry waits, unless its task started and took one already. */
  synchronized void accepted(Entry<T> entry) {
    enqueue(entry);
  }

  /** The task of {@code own} starts: what it runs, the waiting item of its kind that runs first. */
  synchronized T take(Entry<T> own) {
    enqueue(own); // its task is running, so it was accepted
    return poll(own.kind).item;
  }

  /** The task of {@code own} ended without starting: one waiting item of its kind will never run; it is logged. */
  void neverStarted(Entry<T> own, Throwable why) {
    T dropped;
    synchronized (this) {
      if (own.taken) {
        PriorityQueue<Entry<T>> queue = waiting.get(own.kind);
        Entry<T> last = queue.stream().max(FIRST_TO_RUN).orElseThrow(); // the one the others would run last
        remove(queue, last);
        dropped = last.item;
      } else {
        own.taken = true;
        if (own.waiting) remove(waiting.get(own.kind), own);
        dropped = own.item;
      }
    }
    LOG.log(Level.ERROR, "intent " + dropped + " was not run: its task ended before it started", why);
  }

  private void enqueue(Entry<T> entry) {
    if (entry.waiting || entry.taken) return;
    entry.waiting = true;
    waiting.computeIfAbsent(entry.kind, k -> new PriorityQueue<>(FIRST_TO_RUN)).add(entry);
  }

  private Entry<T> poll(Kind kind) {
    PriorityQueue<Entry<T>> queue = waiting.get(kind);
    Entry<T> next = queue.poll();
    next.waiting = false;
    next.taken = true;
    if (queue.isEmpty()) waiting.remove(kind);
    return next;
  }

  private void remove(PriorityQueue<Entry<T>> queue, Entry<T> entry) {
    queue.remove(entry);
    entry.waiting = false;
    entry.taken = true;
    if (queue.isEmpty()) waiting.remove(entry.kind);
  }
}
