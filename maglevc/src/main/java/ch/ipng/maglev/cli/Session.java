package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.rpc.ClientTls;
import ch.ipng.maglev.cli.rpc.GrpcChannel;
import ch.ipng.maglev.cli.rpc.MaglevClient;
import ch.ipng.maglev.cli.rpc.RpcException;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.WatchRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/** One connection to a maglevd, made on first use, and how results are printed. */
final class Session implements AutoCloseable {
  /** Watches for "stop" (a key press or Ctrl-C) while events stream. */
  interface StopWatcher {
    /** Starts watching; calls {@code stop} when the user wants out. Returns a closer. */
    AutoCloseable watch(Runnable stop);
  }

  /** Reads a stream until it ends or is cancelled. */
  interface StreamReader {
    void read(Iterator<Event> events) throws Exception;
  }

  private final String server;
  private Output output;
  private final boolean json;
  private final Duration deadline;
  private StopWatcher stopWatcher = stop -> () -> {};
  private @Nullable GrpcChannel channel;
  private final @Nullable ClientTls tls;

  /**
   * A session with maglevd at {@code server}; every call, its connection set-up included, has
   * {@code deadline} (a stream: until the server first answers).
   */
  Session(String server, Output output, boolean json, Duration deadline) {
    this(server, output, json, deadline, null);
  }

  /** As above, over TLS unless {@code tls} is null. */
  Session(String server, Output output, boolean json, Duration deadline, @Nullable ClientTls tls) {
    this.tls = tls;
    this.server = server;
    this.output = output;
    this.json = json;
    this.deadline = deadline;
  }

  String server() {
    return server;
  }

  Output output() {
    return output;
  }

  void output(Output o) {
    this.output = o;
  }

  boolean json() {
    return json;
  }

  void stopWatcher(StopWatcher w) {
    this.stopWatcher = w;
  }

  /** maglevd's API, each call bounded by the session's deadline. */
  MaglevClient stub() {
    return new MaglevClient(this::channel, deadline);
  }

  /** The deadline of completion's lookups, which must not hold up a TAB for long. */
  private static final Duration COMPLETION_DEADLINE = Duration.ofSeconds(2);

  /** The session's connection, made on first use and again after it broke (a shell outlives it). */
  private synchronized GrpcChannel channel() {
    if (channel == null || !channel.usable()) {
      if (channel != null) {
        channel.close();
      }
      HostPort hp = HostPort.parse(server);
      channel = GrpcChannel.connect(hp.host(), hp.port(), deadline, tls);
    }
    return channel;
  }

  /** Streams events until the server ends, the reader stops, or the user presses a key. */
  void watch(WatchRequest req, StreamReader reader) throws Exception {
    HostPort hp = HostPort.parse(server);
    // A connection of its own: stopping the stream closes it, and the session's stays usable.
    try (GrpcChannel dedicated = GrpcChannel.connect(hp.host(), hp.port(), deadline, tls);
        AutoCloseable w = stopWatcher.watch(dedicated::cancel)) {
      GrpcChannel.Call<Event> call = MaglevClient.watchEvents(dedicated, req, deadline);
      try {
        reader.read(iterator(call));
      } catch (RpcException e) {
        if (e.code() != RpcException.Code.CANCELLED) {
          throw e;
        }
      }
    }
  }

  private static Iterator<Event> iterator(GrpcChannel.Call<Event> call) {
    return new Iterator<>() {
      private @Nullable Event next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = call.next();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public Event next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Event e = next;
        next = null;
        return e;
      }
    };
  }

  /** Live names for completion; empty when the server cannot be asked. */
  List<String> names(Slot slot, @Nullable String frontend) {
    try {
      var stub = new MaglevClient(this::channel, COMPLETION_DEADLINE);
      return switch (slot) {
        case FRONTEND ->
            stub
                .listFrontends(ListFrontendsRequest.getDefaultInstance())
                .getFrontendsList()
                .stream()
                .map(FrontendInfo::getName)
                .toList();
        case BACKEND ->
            stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList().stream()
                .map(BackendInfo::getName)
                .toList();
        case HEALTHCHECK ->
            stub
                .listHealthChecks(ListHealthChecksRequest.getDefaultInstance())
                .getHealthchecksList()
                .stream()
                .map(HealthCheckInfo::getName)
                .toList();
        case POOL ->
            frontend == null
                ? List.of()
                : stub
                    .getFrontend(GetFrontendRequest.newBuilder().setName(frontend).build())
                    .getPoolsList()
                    .stream()
                    .map(PoolInfo::getName)
                    .toList();
        default -> slot.fixedValues();
      };
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close();
    }
  }

  /** host:port with a default host; "[::1]:9090" for IPv6. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--server: \"" + s + "\" (expected: host:port)");
      }
      String host = s.substring(0, colon);
      if (host.isEmpty()) {
        host = "localhost";
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--server: \"" + s + "\" (expected: host:port)", e);
      }
    }
  }
}
