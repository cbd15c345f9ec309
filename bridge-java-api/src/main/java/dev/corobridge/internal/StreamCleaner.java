// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.lang.ref.Cleaner;

/**
 * Closes the {@code mapIter} streams nobody can reach any more, so that a stream neither closed nor consumed
 * to its end does not keep its executor from terminating. One daemon thread, {@value #THREAD_NAME}, serves
 * every executor of every runtime, started with the first stream. Not part of the public API.
 */
public final class StreamCleaner {
  /** The name of the cleaner's thread. */
  public static final String THREAD_NAME = "corobridge-cleaner";

  private static final Cleaner CLEANER = Cleaner.create(action -> new Thread(action, THREAD_NAME));

  private StreamCleaner() {}

  /**
   * Runs {@code close} once {@code consumerSide} has become unreachable, unless the returned handle was
   * cleaned first. {@code close} must not reach {@code consumerSide}, or it never becomes unreachable.
   *
   * @param consumerSide what the stream's consumer holds, directly or through the stream
   * @param close ends the stream: cancels its items and counts its unit of work out
   * @return the handle to call when the stream ends otherwise
   */
  public static Cleaner.Cleanable register(Object consumerSide, Runnable close) {
    return CLEANER.register(consumerSide, close);
  }
}
