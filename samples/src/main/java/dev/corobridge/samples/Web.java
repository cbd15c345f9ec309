// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** Asynchronous GETs with the JDK's HTTP client: the natural shape of an async task. */
public final class Web {
  private final HttpClient client = HttpClient.newHttpClient();

  /** GETs {@code uri}; the stage fails with {@link HttpStatusException} unless the status is 200. */
  public CompletableFuture<String> text(URI uri) {
    return client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> {
          if (response.statusCode() != 200) throw new java.util.concurrent.CompletionException(new HttpStatusException(response.statusCode(), uri.getPath()));
          return response.body();
        });
  }

  /** GETs {@code uri} as bytes. */
  public CompletableFuture<byte[]> bytes(URI uri) {
    return client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> {
          if (response.statusCode() != 200) throw new java.util.concurrent.CompletionException(new HttpStatusException(response.statusCode(), uri.getPath()));
          return response.body();
        });
  }
}
