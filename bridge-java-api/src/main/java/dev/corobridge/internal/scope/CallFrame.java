// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

/**
 * What the thread is calling right now on behalf of an async task: the executor whose task it is, and
 * whether the call has submitted work to that same executor. An async task whose stage is still
 * pending when its call returns, and which started work of its own executor, is waiting for that work
 * (directly or through a stage composed from it): it gives its worker slot back rather than hold the
 * slot the work needs, so nesting never deadlocks whatever {@code maxWorkers}. Not part of the public API.
 *
 * <p>One reusable frame per thread; a call saves the frame's state in locals and restores it, so calls
 * nest on a thread without allocating.
 */
public final class CallFrame {
  private static final ThreadLocal<CallFrame> FRAME = ThreadLocal.withInitial(CallFrame::new);

  private Object owner;
  private boolean startedNested;

  private CallFrame() {}

  /** The calling thread's frame. */
  public static CallFrame current() {
    return FRAME.get();
  }

  /** Work is being submitted to {@code executor}: if the thread is calling one of its tasks, that task now waits for nested work. */
  public static void noteSubmission(Object executor) {
    CallFrame frame = FRAME.get();
    if (frame.owner == executor) {
      frame.startedNested = true;
    }
  }

  /** The owner of the call in progress (to restore with {@link #leave}). */
  public Object owner() {
    return owner;
  }

  /** Whether the call in progress has submitted work to its owner (to restore with {@link #leave}). */
  public boolean startedNested() {
    return startedNested;
  }

  /** A call of a task of {@code executor} starts on this thread. */
  public void enter(Object executor) {
    owner = executor;
    startedNested = false;
  }

  /** The call ended: puts back the frame of the call it was nested in. */
  public void leave(Object previousOwner, boolean previousStartedNested) {
    owner = previousOwner;
    startedNested = previousStartedNested;
  }
}
