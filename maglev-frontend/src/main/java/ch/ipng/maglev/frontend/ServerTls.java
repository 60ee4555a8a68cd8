package ch.ipng.maglev.frontend;

import ch.ipng.maglev.common.tls.Pem;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the dashboard talks to each maglevd: plaintext, TLS with the one set of --tls-ca, --tls-cert
 * and --tls-key, or TLS with a maglevd's own files from a {@code --server-tls
 * NAME=ca:PATH,cert:PATH,key:PATH} (NAME is the --server address or its host). A maglevd's own
 * entry replaces the common set for it entirely.
 */
final class ServerTls {
  static final String FLAG = "--server-tls";

  /** The PEM files of one maglevd (or of all): a path, or "" when not given. */
  record Files(String label, String ca, String cert, String key) {
    boolean none() {
      return ca.isEmpty() && cert.isEmpty() && key.isEmpty();
    }
  }

  private final Files common;
  private final Map<String, Files> byAddress;

  private ServerTls(Files common, Map<String, Files> byAddress) {
    this.common = common;
    this.byAddress = Map.copyOf(byAddress);
  }

  /**
   * The set-up for {@code servers}: {@code common} for every maglevd without its own entry in
   * {@code entries}.
   *
   * @throws IllegalArgumentException naming --server-tls, the entry and what was expected
   */
  static ServerTls parse(Files common, List<String> entries, List<String> servers) {
    Map<String, Files> byAddress = new LinkedHashMap<>();
    for (String entry : entries) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      String expected = " (expected: NAME=ca:PATH,cert:PATH,key:PATH, NAME a --server address)";
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(FLAG + ": \"" + e + "\" has no NAME=" + expected);
      }
      String name = e.substring(0, eq);
      String address = address(name, servers);
      String label = FLAG + " " + name;
      String ca = "";
      String cert = "";
      String key = "";
      for (String field : e.substring(eq + 1).split(",", -1)) {
        int colon = field.indexOf(':');
        String k = colon < 0 ? field : field.substring(0, colon);
        String v = colon < 0 ? "" : field.substring(colon + 1).strip();
        if (v.isEmpty()) {
          throw new IllegalArgumentException(
              label + ": \"" + field + "\" names no file" + expected);
        }
        switch (k.strip()) {
          case "ca" -> ca = v;
          case "cert" -> cert = v;
          case "key" -> key = v;
          default ->
              throw new IllegalArgumentException(
                  label + ": unknown field \"" + k + "\"" + expected);
        }
      }
      if (byAddress.containsKey(address)) {
        throw new IllegalArgumentException(
            label + ": " + address + " has a second entry (expected: one per maglevd)");
      }
      byAddress.put(address, new Files(label, ca, cert, key));
    }
    return new ServerTls(common, byAddress);
  }

  /** The --server address {@code name} means: the address itself, or the host of exactly one. */
  private static String address(String name, List<String> servers) {
    if (servers.contains(name)) {
      return name;
    }
    List<String> byHost = new ArrayList<>();
    for (String s : servers) {
      if (name.equals(ch.ipng.maglev.frontend.upstream.MaglevdClient.hostOf(s))) {
        byHost.add(s);
      }
    }
    if (byHost.size() == 1) {
      return byHost.get(0);
    }
    throw new IllegalArgumentException(
        FLAG
            + " "
            + name
            + ": "
            + (byHost.isEmpty() ? "no --server is " + name : name + " is more than one --server")
            + " (expected: one of "
            + String.join(", ", servers)
            + ")");
  }

  /** The credentials towards the maglevd at {@code address}. */
  ChannelCredentials credentials(String address) throws IOException {
    Files f = byAddress.get(address);
    return credentials(f != null ? f : common);
  }

  /** Plaintext when no file is given, else TLS with them. */
  static ChannelCredentials credentials(Files f) throws IOException {
    if (f.none()) {
      return InsecureChannelCredentials.create();
    }
    String cert = f.label().isEmpty() ? "--tls-cert" : f.label() + " cert";
    String key = f.label().isEmpty() ? "--tls-key" : f.label() + " key";
    String ca = f.label().isEmpty() ? "--tls-ca" : f.label() + " ca";
    if (f.cert().isEmpty() != f.key().isEmpty()) {
      throw new IOException(cert + " and " + key + " go together (expected: both or neither)");
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (!f.ca().isEmpty()) {
        b.trustManager(Pem.trustManagers(Pem.certificates(ca, Path.of(f.ca()))));
      }
      if (!f.cert().isEmpty()) {
        b.keyManager(
            Pem.keyManagers(
                Pem.certificates(cert, Path.of(f.cert())), Pem.privateKey(key, Path.of(f.key()))));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(
          (f.label().isEmpty() ? "TLS" : f.label()) + " set-up: " + e.getMessage(), e);
    }
    return b.build();
  }
}
