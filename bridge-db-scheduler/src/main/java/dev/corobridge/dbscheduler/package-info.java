// SPDX-License-Identifier: Apache-2.0
/**
 * Distributed intents on db-scheduler: {@link dev.corobridge.dbscheduler.DbSchedulerIntentExecutor} stores each
 * intent as a task instance in the same transaction as the work that enqueued it (the outbox), and
 * {@link dev.corobridge.dbscheduler.DbSchedulerIntentWorker} runs them on an {@link dev.corobridge.AsyncExecutor}.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.dbscheduler;

import org.jspecify.annotations.NullMarked;
