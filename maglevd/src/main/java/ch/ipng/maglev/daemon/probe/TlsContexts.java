package ch.ipng.maglev.daemon.probe;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Client TLS contexts, one per (verify, CA file), built once and shared. */
final class TlsContexts {
  private record Key(boolean verify, @Nullable Path caFile) {}

  private final Map<Key, SslContext> contexts = new ConcurrentHashMap<>();

  SslContext get(boolean verify, @Nullable Path caFile) throws IOException {
    Key key = new Key(verify, caFile);
    SslContext c = contexts.get(key);
    if (c != null) {
      return c;
    }
    SslContextBuilder b = SslContextBuilder.forClient();
    if (!verify) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (caFile != null) {
      b.trustManager(caFile.toFile());
    }
    try {
      c = b.build();
    } catch (SSLException e) {
      throw new IOException(
          "TLS setup" + (caFile == null ? "" : " with " + caFile) + ": " + e.getMessage(), e);
    }
    contexts.putIfAbsent(key, Objects.requireNonNull(c));
    return contexts.get(key);
  }
}
