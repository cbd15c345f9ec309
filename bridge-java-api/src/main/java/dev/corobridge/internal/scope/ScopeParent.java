// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

/**
 * What a scope opened inside running work is nested in: the child of a scope whose code is running, or
 * (in the coroutine engine) the job of a Kotlin scope. The parent cancels the nested scope when it is
 * cancelled itself, and waits for it before it counts as stopped. Not part of the public API.
 */
public interface ScopeParent {
  /**
   * Adopts {@code nested} until {@link #release(StructuredScope)}. Returns false, adopting nothing, if
   * the parent is already cancelled: the nested scope then starts cancelled.
   */
  boolean adopt(StructuredScope<?> nested);

  /** {@code nested}, adopted before, has finished. */
  void release(StructuredScope<?> nested);

  /** The parent of scopes opened on the current thread, or null. */
  static ScopeParent current() {
    return CurrentParent.HOLDER.get();
  }

  /** Makes {@code parent} current on this thread and returns the previous one, to restore with the same call. */
  static ScopeParent swap(ScopeParent parent) {
    ThreadLocal<ScopeParent> holder = CurrentParent.HOLDER;
    ScopeParent previous = holder.get();
    holder.set(parent); // never remove(): the next get() would add the entry again, with a scan of the thread's map
    return previous;
  }
}

