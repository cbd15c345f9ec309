// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

/** The thread-local behind {@link ScopeParent#current()}. */
final class CurrentParent {
  static final ThreadLocal<ScopeParent> HOLDER = new ThreadLocal<>();

  private CurrentParent() {}
}
