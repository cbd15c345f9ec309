// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.TaskOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The samples' server must not blame a well-behaved client for its own bookkeeping. */
class LocalGalleryTest {
  @Test
  void callsHeldToTheApiLimitByASemaphoreAreNeverRefused() throws Exception {
    try (LocalGallery server = LocalGallery.start(); AsyncExecutor executor = AsyncExecutor.create(16)) {
      Web web = new Web();
      TaskOptions limited = TaskOptions.builder().semaphore(AsyncSemaphore.create(LocalGallery.API_LIMIT)).build();
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        int n = i;
        answers.add(executor.submit(() -> web.text(server.uri("/api/" + n)), limited));
      }
      for (int i = 0; i < answers.size(); i++) assertEquals("answer:" + i, answers.get(i).join());
      assertEquals(0, server.apiRejected(), "refused calls");
      assertTrue(server.apiPeak() <= LocalGallery.API_LIMIT, "peak " + server.apiPeak());
    }
  }
}
