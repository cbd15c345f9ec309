// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

/** The thread-local behind {@link LendingWait#current()}. */
final class CurrentWorker {
  static final ThreadLocal<LendingWait> HOLDER = new ThreadLocal<>();

  private CurrentWorker() {}
}
