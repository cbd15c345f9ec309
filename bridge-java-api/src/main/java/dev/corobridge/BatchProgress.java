// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How far a {@code map}, {@code mapBlocking} or {@code mapIter} has come, as told to its
 * {@link MapOptions.Builder#onProgress progress listener}: the items finished with a value, those that failed
 * (cancelled ones included), those in flight, the total when it is known, and the time since the call.
 * Immutable.
 *
 * <p>An item counts from the moment the batch takes it up (it is then in flight) until its task ends; for
 * {@code mapIter} an item is done when its value is ready, consumed or not.
 */
public final class BatchProgress {
  private final long done;
  private final long failed;
  private final int inFlight;
  private final long total;
  private final long elapsedNanos;
  private final boolean finished;

  /**
   * Creates a report; runtimes make them, tests and adapters may too.
   *
   * @param done         the items finished with a value, at least 0
   * @param failed       the items failed or cancelled, at least 0
   * @param inFlight     the items taken up and not finished, at least 0
   * @param total        the number of items, or -1 if unknown
   * @param elapsedNanos the time since the batch was started, in nanoseconds, at least 0
   * @param finished     whether this is the batch's last report
   * @throws IllegalArgumentException if a count or the time is negative, or {@code total} is below -1
   */
  public BatchProgress(long done, long failed, int inFlight, long total, long elapsedNanos, boolean finished) {
    if (done < 0 || failed < 0 || inFlight < 0 || elapsedNanos < 0 || total < -1) {
      throw new IllegalArgumentException("counts and elapsed must be >= 0 and total >= -1 (unknown): done=" + done
          + ", failed=" + failed + ", inFlight=" + inFlight + ", total=" + total + ", elapsedNanos=" + elapsedNanos);
    }
    this.done = done;
    this.failed = failed;
    this.inFlight = inFlight;
    this.total = total;
    this.elapsedNanos = elapsedNanos;
    this.finished = finished;
  }

  /**
   * The items finished with a value.
   *
   * @return the number of items done
   */
  public long done() {
    return done;
  }

  /**
   * The items that failed or were cancelled (after a failure, a timeout, a cancel or a close of the stream,
   * the items in flight are cancelled and count here).
   *
   * @return the number of items failed
   */
  public long failed() {
    return failed;
  }

  /**
   * The items taken up and not yet finished.
   *
   * @return the number of items in flight
   */
  public int inFlight() {
    return inFlight;
  }

  /**
   * The number of items, when known: always for {@code map} and {@code mapBlocking} (their input is read
   * at the call), for {@code mapIter} when its input is a {@link java.util.Collection}.
   *
   * @return the number of items, or empty if unknown
   */
  public OptionalLong total() {
    return total < 0 ? OptionalLong.empty() : OptionalLong.of(total);
  }

  /**
   * The time since the batch was started.
   *
   * @return the time elapsed
   */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos);
  }

  /**
   * Items finished (done or failed) per second since the start; 0 before any time has passed.
   *
   * @return the rate in items per second
   */
  public double ratePerSecond() {
    return elapsedNanos == 0 ? 0 : (done + failed) * 1e9 / elapsedNanos;
  }

  /**
   * The share of the items finished (done or failed), from 0 to 1, when the total is known.
   *
   * @return the fraction finished, or empty if the total is unknown
   */
  public OptionalDouble fraction() {
    if (total < 0) return OptionalDouble.empty();
    return OptionalDouble.of(total == 0 ? 1 : Math.min(1, (double) (done + failed) / total));
  }

  /**
   * Whether this is the last report: the batch has ended (by its items, a failure, a timeout, a cancel, or a
   * close of its stream) and none of its items runs any more.
   *
   * @return whether the batch has ended
   */
  public boolean finished() {
    return finished;
  }

  @Override
  public String toString() {
    return "BatchProgress[" + done + (total < 0 ? "" : "/" + total) + " done, " + failed + " failed, " + inFlight
        + " in flight, " + String.format(java.util.Locale.ROOT, "%.1f/s", ratePerSecond()) + ", " + elapsed()
        + (finished ? ", finished" : "") + "]";
  }
}
