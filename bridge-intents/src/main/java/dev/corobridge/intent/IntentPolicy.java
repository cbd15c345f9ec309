// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Decides about intents: whether one may be enqueued at all ({@link #onEnqueue}) and whether it is
 * dispatched when its scope flushes ({@link #allows}). Policies filter, they never reorder. A scope
 * has one policy; local policies are pushed for a block with {@link Airlock#policy} and travel with
 * the intents enqueued inside it. Callbacks must not enqueue intents ({@link PolicyEnqueueException}).
 *
 * <p>Built-ins: {@link AllowAll}, {@link DropAll}, {@link AssertNoEffects}, {@link BlockTasks},
 * {@link LogOnFlush}.
 */
public interface IntentPolicy {
  /**
   * Called when {@code intent} is enqueued, on the enqueuing thread.
   *
   * @param intent the intent being enqueued
   * @throws PolicyViolationException to refuse the intent; the enqueuing code gets the exception
   */
  default void onEnqueue(Intent intent) {}

  /**
   * Called when a scope flushes: whether {@code intent} is dispatched (else it is dropped).
   *
   * @param intent the intent about to be dispatched
   * @return whether it is dispatched
   */
  default boolean allows(Intent intent) {
    return true;
  }
}
