// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import org.jspecify.annotations.Nullable;

/**
 * Makes the scopes {@link Airlock#scope()}, {@link Airlock#scope(IntentExecutor)},
 * {@link Airlock#scope(IntentExecutor, IntentPolicy, FlushMode)} and {@link Airlock#scoped(java.util.concurrent.Callable)}
 * open, once set with {@link Airlock#configureScopes}: the default scope class of airlock's
 * {@code configure(scope_cls=...)}, so that every scope of an application is, say, bound to its transactions.
 * Typically a constructor reference, {@code TransactionScope::new}.
 */
@FunctionalInterface
public interface IntentScopeFactory {
  /**
   * Makes a scope, not yet opened, with the given executor, policy and flush mode; {@code null} for any of
   * them means the scope's default (see {@link IntentScope#IntentScope(IntentExecutor, IntentPolicy, FlushMode)}).
   *
   * @param executor the executor its intents are dispatched through, or {@code null}
   * @param policy the policy every intent must pass, or {@code null}
   * @param flushMode what a failing dispatch does to the rest of the flush, or {@code null}
   * @return a new scope
   */
  IntentScope create(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode);
}
