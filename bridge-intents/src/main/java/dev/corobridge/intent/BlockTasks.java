// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import java.util.Set;

/**
 * Drops the intents with the given names at flush, and lets the others through; made with
 * {@link #raisingOnEnqueue}, it refuses them at enqueue instead, with {@link PolicyViolationException}
 * (airlock's {@code BlockTasks(..., raise_on_enqueue=True)}).
 */
public final class BlockTasks implements IntentPolicy {
  private final Set<String> names;
  private final boolean raiseOnEnqueue;

  /**
   * Blocks intents named one of {@code names}: they are dropped at flush.
   *
   * @param names the names of the intents to block
   */
  public BlockTasks(String... names) {
    this(names, false);
  }

  private BlockTasks(String[] names, boolean raiseOnEnqueue) {
    this.names = Set.of(Checks.notNull(names, "names"));
    this.raiseOnEnqueue = raiseOnEnqueue;
  }

  /**
   * Blocks intents named one of {@code names} loudly: their enqueue throws {@link PolicyViolationException}.
   *
   * @param names the names of the intents to block
   * @return the policy
   */
  public static BlockTasks raisingOnEnqueue(String... names) {
    return new BlockTasks(names, true);
  }

  /**
   * The names of the blocked intents.
   *
   * @return the names
   */
  public Set<String> names() {
    return names;
  }

  /**
   * Whether an enqueue of a blocked intent throws, rather than the intent being dropped at flush.
   *
   * @return whether a blocked enqueue throws
   */
  public boolean raisesOnEnqueue() {
    return raiseOnEnqueue;
  }

  @Override
  public void onEnqueue(Intent intent) {
    if (raiseOnEnqueue && names.contains(intent.name())) {
      throw new PolicyViolationException("intent " + intent.name() + " is blocked and cannot be enqueued (from " + intent.origin() + ")");
    }
  }

  @Override
  public boolean allows(Intent intent) {
    return !names.contains(intent.name());
  }

  @Override
  public String toString() {
    return "BlockTasks" + names + (raiseOnEnqueue ? " raising on enqueue" : "");
  }
}
