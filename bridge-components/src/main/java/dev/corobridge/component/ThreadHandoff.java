// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

/**
 * A value that is not safe to share between threads and knows how to give a thread its own copy:
 * runners call {@link #copyForThread()} before the value crosses to another thread. A copy that is
 * {@link AutoCloseable} is closed when the work on that thread ends.
 *
 * @param <T> the value's type
 */
public interface ThreadHandoff<T> {
  /**
   * A copy for use on another thread, independent of this one.
   *
   * @return the copy
   */
  T copyForThread();
}
