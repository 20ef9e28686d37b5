package io.fenceline.testcontainers;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every pod to every other pod on the given ports, each a real connection attempt. */
public record ConnectivityMatrix(List<Connection> connections) {

  public ConnectivityMatrix {
    connections = List.copyOf(connections);
  }

  /** The attempt for one flow, if the matrix holds it. */
  public Optional<Connection> get(String from, String to, int port, Protocol protocol) {
    return connections.stream()
        .filter(
            c ->
                c.from().equals(from)
                    && c.to().equals(to)
                    && c.port() == port
                    && c.protocol() == protocol)
        .findFirst();
  }

  /** The flows that connected, as {@link Connection#flow()} strings. */
  public List<String> connected() {
    return connections.stream().filter(Connection::connected).map(Connection::flow).toList();
  }

  /** One line per attempt: {@code ALLOW|DENY flow (detail)}. */
  public String table() {
    return connections.stream()
        .map(c -> (c.connected() ? "ALLOW " : "DENY  ") + c.flow() + "  (" + c.detail() + ")")
        .collect(Collectors.joining("\n"));
  }
}
