// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import java.io.IOException;

/** A response with an unexpected HTTP status. */
public final class HttpStatusException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;

  /** Creates the exception for a response with {@code status} from {@code what}. */
  public HttpStatusException(int status, String what) {
    super("HTTP " + status + " from " + what);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
