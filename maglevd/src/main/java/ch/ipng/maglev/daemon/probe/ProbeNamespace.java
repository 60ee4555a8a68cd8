package ch.ipng.maglev.daemon.probe;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The network namespace probe sockets are created in: maglevd's own, or a named one entered once by
 * each dedicated platform thread that creates them (the probe event loops, and one more thread for
 * the rest). Sockets keep their namespace for life, so they are used from anywhere after creation.
 */
public interface ProbeNamespace extends AutoCloseable {
  /** maglevd's own namespace. */
  static ProbeNamespace host() {
    return HostNamespace.INSTANCE;
  }

  /** The namespace /var/run/netns/{@code name}, entered on first use. */
  static ProbeNamespace named(String name) {
    return new NamedNamespace(name);
  }

  /** The namespace's name, empty for maglevd's own. */
  Optional<String> name();

  /**
   * Runs {@code task} on a thread inside the namespace.
   *
   * @throws IOException naming the namespace if it cannot be entered, e.g. {@code enter netns "x":
   *     operation not permitted}
   */
  <T> T call(Callable<T> task) throws IOException;

  /**
   * Moves the calling thread into the namespace for good (setns acts on one thread), for a
   * dedicated platform thread whose sockets must all live there.
   *
   * @return null when it is in, else why not, e.g. {@code enter netns "x": operation not permitted}
   */
  @Nullable String enterOnThisThread();

  /** A new unconnected TCP socket in the namespace. */
  default SocketChannel openTcp(ProtocolFamily family) throws IOException {
    return call(() -> SocketChannel.open(family));
  }

  @Override
  void close();
}
