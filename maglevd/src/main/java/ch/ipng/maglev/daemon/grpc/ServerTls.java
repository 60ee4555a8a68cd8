package ch.ipng.maglev.daemon.grpc;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.common.tls.Pem;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC listener's TLS: the server certificate and key ({@code --grpc-tls-cert}, {@code
 * --grpc-tls-key}) and, optionally, the CA client certificates must chain to ({@code
 * --grpc-client-ca}), which makes a client certificate required. {@link #reload()} re-reads the
 * files (SIGHUP): new handshakes use them, open connections keep theirs, and a file that does not
 * load leaves the previous ones in use.
 */
public final class ServerTls {
  private final Path cert;
  private final Path key;
  private final @Nullable Path clientCa;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final @Nullable AdvancedTlsX509TrustManager trust;
  private volatile Instant notAfter = Instant.EPOCH;

  private ServerTls(Path cert, Path key, @Nullable Path clientCa) throws IOException {
    this.cert = requireNonNull(cert, "cert");
    this.key = requireNonNull(key, "key");
    this.clientCa = clientCa;
    try {
      this.trust =
          clientCa == null
              ? null
              : AdvancedTlsX509TrustManager.newBuilder()
                  .setVerification(
                      AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                  .build();
    } catch (GeneralSecurityException e) {
      throw new IOException("--grpc-client-ca: " + e.getMessage(), e);
    }
  }

  /** Loads the files; the exception's message names the flag, the file and what is wrong. */
  public static ServerTls load(Path cert, Path key, @Nullable Path clientCa) throws IOException {
    ServerTls tls = new ServerTls(cert, key, clientCa);
    tls.reload();
    return tls;
  }

  /** Whether clients must present a certificate signed by the client CA. */
  public boolean clientCertificates() {
    return clientCa != null;
  }

  /** When the server certificate in use expires. */
  public Instant notAfter() {
    return notAfter;
  }

  /** Re-reads every file; on failure nothing changes and the exception says what is wrong. */
  public synchronized void reload() throws IOException {
    List<X509Certificate> chain = Pem.certificates("--grpc-tls-cert", cert);
    PrivateKey privateKey = Pem.privateKey("--grpc-tls-key", key);
    if (!chain.get(0).getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())
        && !(chain.get(0).getPublicKey().getAlgorithm().equals("EC")
            && privateKey.getAlgorithm().equals("ECDSA"))) {
      throw new IOException(
          "--grpc-tls-key "
              + key
              + ": a "
              + privateKey.getAlgorithm()
              + " key, but the certificate in "
              + cert
              + " has a "
              + chain.get(0).getPublicKey().getAlgorithm()
              + " key");
    }
    List<X509Certificate> cas =
        clientCa == null ? List.of() : Pem.certificates("--grpc-client-ca", clientCa);
    try {
      if (trust != null) {
        trust.updateTrustCredentials(cas.toArray(new X509Certificate[0]));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("--grpc-client-ca " + clientCa + ": " + e.getMessage(), e);
    }
    keys.updateIdentityCredentials(chain.toArray(new X509Certificate[0]), privateKey);
    notAfter = chain.get(0).getNotAfter().toInstant();
  }

  /**
   * Netty's context over the swappable key and trust managers, on the JDK's TLS: it asks the trust
   * manager for the accepted CAs on every handshake, where OpenSSL would keep announcing the CA it
   * started with after a reload (and clients of the new CA would send no certificate).
   */
  SslContext sslContext() throws IOException {
    SslContextBuilder b =
        GrpcSslContexts.configure(SslContextBuilder.forServer(keys), SslProvider.JDK);
    if (trust != null) {
      b.trustManager(trust).clientAuth(ClientAuth.REQUIRE);
    }
    return b.build();
  }
}
