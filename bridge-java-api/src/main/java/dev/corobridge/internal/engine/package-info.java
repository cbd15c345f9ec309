// SPDX-License-Identifier: Apache-2.0
/**
 * The contract's rules written once for both engines (the pure-Java one in {@code internal.threaded} and the
 * coroutine engine in {@code bridge-coroutines}): the lifecycle count, the refusals' wording, completion order
 * and wait strategies on the executor's clock, the status line and the report of uncaught failures. Each engine
 * keeps only its hot paths; what a user can observe is decided here, so the engines agree by construction.
 * Exported only to the coroutine engine; not part of the public API.
 */
package dev.corobridge.internal.engine;
