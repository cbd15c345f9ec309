// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

/** Prints one progress line per example, so a run reads like the guide. */
public final class Progress {
  private Progress() {}

  /** Prints {@code [side/example] message}. */
  public static void line(String side, String example, String message) {
    System.out.printf("[%-6s %-11s] %s%n", side, example, message);
  }
}
