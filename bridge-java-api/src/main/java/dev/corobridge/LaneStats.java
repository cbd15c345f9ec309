// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * A snapshot of one lane of an executor ({@link AsyncExecutor#laneStats()}): its limit, how many of its permits
 * tasks hold now, and how many tasks wait for one. A task takes its lane's permit before a worker slot, so
 * {@code inUse} counts the lane's tasks running and those holding the permit while they wait for a slot.
 *
 * @param name    the lane's name
 * @param limit   the most tasks of the lane in flight at once, as declared
 * @param inUse   the lane's permits held now, {@code 0..limit}
 * @param waiting the tasks waiting for one of its permits now (an estimate while permits change hands)
 */
public record LaneStats(String name, int limit, int inUse, int waiting) {}
