// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what ran, for intent tests: an executor and the side effects' log. */
final class Recorder implements IntentExecutor {
  final List<String> ran = new CopyOnWriteArrayList<>();

  /** An intent whose side effect is recording its name and arguments. */
  Intent effect(String name, Object... args) {
    return Intent.of(name, intent -> ran.add(intent.toString())).args(args).build();
  }

  @Override
  public void dispatch(Intent intent) throws Exception {
    intent.run();
  }
}
