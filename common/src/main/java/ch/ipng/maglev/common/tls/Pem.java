package ch.ipng.maglev.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads PEM files as openssl writes them: certificates ({@code BEGIN CERTIFICATE}, a chain in
 * order) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519).
 * Every failure is an {@link IOException} whose message starts with the flag and the file and says
 * what was expected.
 */
public final class Pem {
  /** The largest PEM file read (1 MiB); a certificate chain is a few KiB. */
  public static final long MAX_BYTES = 1 << 20;

  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern OTHER_KEY =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----");

  private Pem() {}

  /** The certificates of a PEM file, at least one; {@code flag} names it in errors. */
  public static List<X509Certificate> certificates(String flag, Path file) throws IOException {
    byte[] bytes = read(flag, file);
    Collection<? extends Certificate> certs;
    try {
      certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new IOException(
          flag + " " + file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : certs) {
      if (c instanceof X509Certificate x) {
        out.add(x);
      }
    }
    if (out.isEmpty()) {
      throw new IOException(
          flag + " " + file + ": no certificate (expected: -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }

  /** The unencrypted PKCS#8 private key of a PEM file; {@code flag} names it in errors. */
  public static PrivateKey privateKey(String flag, Path file) throws IOException {
    String text = new String(read(flag, file), StandardCharsets.US_ASCII);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      Matcher other = OTHER_KEY.matcher(text);
      String found = other.find() ? "found " + other.group(1) + "; " : "";
      throw new IOException(
          flag
              + " "
              + file
              + ": no unencrypted PKCS#8 key ("
              + found
              + "expected: -----BEGIN PRIVATE KEY-----; convert with openssl pkcs8 -topk8"
              + " -nocrypt)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IOException(flag + " " + file + ": the key is not valid base64", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(flag + " " + file + ": not an RSA, EC or Ed25519 private key in PKCS#8");
  }

  /** Key managers presenting {@code chain} with {@code key}. */
  public static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException {
    KeyStore ks = emptyStore();
    ks.setKeyEntry("key", key, new char[0], chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  /** Trust managers that accept chains ending in one of {@code cas} (PKIX, dates checked). */
  public static TrustManager[] trustManagers(List<X509Certificate> cas)
      throws GeneralSecurityException {
    KeyStore ks = emptyStore();
    int i = 0;
    for (X509Certificate ca : cas) {
      ks.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }

  private static byte[] read(String flag, Path file) throws IOException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new IOException(
            flag
                + " "
                + file
                + ": "
                + (Files.exists(file) ? "not a regular file" : "no such file"));
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException(
            flag + " " + file + ": larger than " + MAX_BYTES + " bytes (expected: a PEM file)");
      }
      return Files.readAllBytes(file);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(flag + " " + file + ": permission denied", e);
    }
  }
}
