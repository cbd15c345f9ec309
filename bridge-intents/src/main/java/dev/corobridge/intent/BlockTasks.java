// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import java.util.Set;

/** Drops the intents with the given names at flush, and lets the others through. */
public final class BlockTasks implements IntentPolicy {
  private final Set<String> names;

  /**
   * Blocks intents named one of {@code names}.
   *
   * @param names the names of the intents to block
   */
  public BlockTasks(String... names) {
    this.names = Set.of(Checks.notNull(names, "names"));
  }

  @Override
  public boolean allows(Intent intent) {
    return !names.contains(intent.name());
  }

  @Override
  public String toString() {
    return "BlockTasks" + names;
  }
}
