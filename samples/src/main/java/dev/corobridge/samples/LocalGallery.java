// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server on 127.0.0.1 for the samples, built on the JDK's {@code com.sun.net.httpserver}.
 *
 * <ul>
 *   <li>{@code /gallery/N} lists the image ids of gallery page N, one per line, after a short delay;</li>
 *   <li>{@code /image/ID} returns the image's bytes (a few hundred of them), after a short delay;</li>
 *   <li>{@code /api/X} is a rate-limited API: more than {@link #API_LIMIT} concurrent calls get 429;</li>
 *   <li>{@code /flaky/X} fails with 503 twice for each X, then answers.</li>
 * </ul>
 */
public final class LocalGallery implements AutoCloseable {
  /** How many concurrent calls {@code /api} accepts. */
  public static final int API_LIMIT = 3;
  /** Image ids per gallery page. */
  public static final int IMAGES_PER_PAGE = 6;

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-gallery");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger apiInFlight = new AtomicInteger();
  private final AtomicInteger apiPeak = new AtomicInteger();
  private final AtomicInteger apiRejected = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

  private LocalGallery(HttpServer server) {
    this.server = server;
    server.setExecutor(handlers);
    server.createContext("/gallery/", this::gallery);
    server.createContext("/image/", this::image);
    server.createContext("/api/", this::api);
    server.createContext("/flaky/", this::flaky);
    server.start();
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  public static LocalGallery start() throws IOException {
    return new LocalGallery(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  /** The address of a path on this server. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The most concurrent {@code /api} calls seen. */
  public int apiPeak() {
    return apiPeak.get();
  }

  /** How many {@code /api} calls were refused for exceeding the limit. */
  public int apiRejected() {
    return apiRejected.get();
  }

  private void gallery(HttpExchange exchange) throws IOException {
    int page = Integer.parseInt(last(exchange));
    pause(5);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < IMAGES_PER_PAGE; i++) body.append(page * 100 + i).append('\n');
    respond(exchange, 200, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void image(HttpExchange exchange) throws IOException {
    int id = Integer.parseInt(last(exchange));
    pause(3);
    respond(exchange, 200, new byte[200 + id % 300]);
  }

  private void api(HttpExchange exchange) throws IOException {
    // The call counts as in flight until its answer is ready, not until the answer is sent: a client that has read
    // the answer and starts its next call must never find this one still counted.
    int status;
    byte[] body;
    int now = apiInFlight.incrementAndGet();
    try {
      apiPeak.accumulateAndGet(now, Math::max);
      if (now > API_LIMIT) {
        apiRejected.incrementAndGet();
        status = 429;
        body = "too many requests".getBytes(StandardCharsets.UTF_8);
      } else {
        pause(10);
        status = 200;
        body = ("answer:" + last(exchange)).getBytes(StandardCharsets.UTF_8);
      }
    } finally {
      apiInFlight.decrementAndGet();
    }
    respond(exchange, status, body);
  }

  private void flaky(HttpExchange exchange) throws IOException {
    int call = flakyCalls.computeIfAbsent(last(exchange), k -> new AtomicInteger()).incrementAndGet();
    if (call <= 2) {
      respond(exchange, 503, "try again".getBytes(StandardCharsets.UTF_8));
    } else {
      respond(exchange, 200, ("ok after " + call + " calls").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String last(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static void pause(int maxMillis) {
    try {
      Thread.sleep(1 + ThreadLocalRandom.current().nextInt(maxMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
