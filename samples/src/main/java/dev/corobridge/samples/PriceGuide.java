// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import com.sun.net.httpserver.HttpServer;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.component.AsyncComponent;
import dev.corobridge.component.ComponentResult;
import dev.corobridge.component.ComponentRunner;
import dev.corobridge.component.HandoffRules;
import dev.corobridge.component.SyncComponent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBConnection;

/**
 * Components: a pipeline that finds the cheapest offer for an item from two sources of different
 * kinds, run by one {@link ComponentRunner} that picks the best result.
 *
 * <ul>
 *   <li>a sync component queries an embedded DuckDB database through JDBC, blocking, on a blocking
 *       worker; the query carries the database connection, and a hand-off rule gives each worker its
 *       own duplicate of it ({@code DuckDBConnection.duplicate()}), closed when the query is done;</li>
 *   <li>an async component asks a local HTTP price service on 127.0.0.1 with {@code HttpClient.sendAsync}.</li>
 * </ul>
 */
public final class PriceGuide implements AutoCloseable {
  /** What the components are asked: an item, and the database to look in. */
  public record PriceQuery(String item, Connection db) {}

  /** An offer. */
  public record Quote(String vendor, double price) {}

  private final AsyncExecutor executor;
  private final HttpServer prices;
  private final DuckDBConnection db;
  private final HttpClient http = HttpClient.newHttpClient();
  /** The connections the database component used, to show that each was a duplicate, and closed. */
  private final Set<Connection> usedConnections = ConcurrentHashMap.newKeySet();

  /** Starts the price service and fills the database. */
  public PriceGuide(AsyncExecutor executor) throws IOException, SQLException {
    this.executor = executor;
    this.prices = startPriceService(Map.of("apples", "orchard-online,2.10", "pears", "fruit-express,3.40"));
    this.db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    try (Statement sql = db.createStatement()) {
      sql.execute("create table offers(vendor varchar, item varchar, price double)");
      sql.execute("insert into offers values ('market-hall', 'apples', 2.40), ('corner-shop', 'apples', 2.95), "
          + "('market-hall', 'pears', 2.80), ('corner-shop', 'pears', 3.10)");
    }
  }

  /** The database component: blocking JDBC on a blocking worker, with the connection it was handed. */
  final SyncComponent<PriceQuery, Quote> database = new SyncComponent<>() {
    @Override
    protected Quote applySync(PriceQuery query) throws SQLException {
      usedConnections.add(query.db());
      try (PreparedStatement cheapest = query.db().prepareStatement(
          "select vendor, price from offers where item = ? order by price limit 1")) {
        cheapest.setString(1, query.item());
        try (ResultSet row = cheapest.executeQuery()) {
          if (!row.next()) throw new SQLException("no offer for " + query.item());
          return new Quote(row.getString(1), row.getDouble(2));
        }
      }
    }

    @Override
    public String name() {
      return "duckdb";
    }
  };

  /** The web component: an async HTTP call to the local price service. */
  final AsyncComponent<PriceQuery, Quote> web = new AsyncComponent<>() {
    @Override
    public CompletableFuture<Quote> apply(PriceQuery query) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prices.getAddress().getPort() + "/price?item=" + query.item())).build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
        if (response.statusCode() != 200) throw new UncheckedIOException(new IOException("price service said " + response.statusCode()));
        String[] offer = response.body().split(",");
        return new Quote(offer[0], Double.parseDouble(offer[1]));
      });
    }

    @Override
    public String name() {
      return "web";
    }
  };

  /** The hand-off rule: a DuckDB connection crosses to another thread as a duplicate of its own. */
  static HandoffRules rules() {
    return HandoffRules.defaults().with(DuckDBConnection.class, connection -> {
      try {
        return (DuckDBConnection) connection.duplicate();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot duplicate the DuckDB connection", e);
      }
    });
  }

  /** Finds the cheapest offer for each item and returns them. */
  public List<ComponentResult<Quote>> run(List<String> items) {
    ComponentRunner runner = ComponentRunner.on(executor).withHandoff(rules());
    List<ComponentResult<Quote>> cheapest = new ArrayList<>();
    for (String item : items) {
      ComponentResult<Quote> best = runner.<PriceQuery, Quote>best(List.of(database, web), new PriceQuery(item, db),
          Comparator.comparingDouble(Quote::price).reversed()).join();
      Progress.line("java", "components", item + ": cheapest at " + best.component() + " " + best.value());
      cheapest.add(best);
    }
    return cheapest;
  }

  /** The connections the database component was handed (duplicates, never the original). */
  Set<Connection> usedConnections() {
    return usedConnections;
  }

  /** The original connection. */
  Connection originalConnection() {
    return db;
  }

  private static HttpServer startPriceService(Map<String, String> offers) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/price", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      String offer = query == null ? null : offers.get(query.replace("item=", ""));
      byte[] body = (offer == null ? "unknown item" : offer).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(offer == null ? 404 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  @Override
  public void close() throws SQLException {
    prices.stop(0);
    db.close();
  }
}
