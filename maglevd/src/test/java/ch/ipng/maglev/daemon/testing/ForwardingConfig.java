package ch.ipng.maglev.daemon.testing;

import ch.ipng.maglev.vppsim.testing.NamedBackends;
import java.net.InetAddress;

/**
 * The config the forwarding tests give maglevd: backends a, b and c (weight 50) of {@code backends}
 * behind one TCP VIP, checked over HTTP every 100 ms with rise 1 and fall 1.
 */
public final class ForwardingConfig {
  /** The GRE source address when a test runs one router. */
  public static final String GRE_SOURCE = "192.0.2.254";

  private ForwardingConfig() {}

  /** The config for a VIP at {@code vip} on the backends' port, GRE from {@code greSource}. */
  public static String of(NamedBackends backends, InetAddress vip, String greSource) {
    return """
        maglev:
          vpp:
            lb:
              ipv4-src-address: %s
              ipv6-src-address: 2001:db8::254
              sync-interval: 1h
              startup-min-delay: 1s
              startup-max-delay: 3s
          healthchecks:
            http:
              type: http
              port: %d
              params: { path: /.well-known/ipng/healthz }
              interval: 100ms
              timeout: 500ms
              rise: 1
              fall: 1
          backends:
            a: { address: %s, healthcheck: http }
            b: { address: %s, healthcheck: http }
            c: { address: %s, healthcheck: http }
          frontends:
            web:
              address: %s
              protocol: tcp
              port: %d
              pools:
                - name: main
                  backends: { a: {}, b: {}, c: { weight: 50 } }
        """
        .formatted(
            greSource,
            backends.port(),
            backends.address(0).getHostAddress(),
            backends.address(1).getHostAddress(),
            backends.address(2).getHostAddress(),
            vip.getHostAddress(),
            backends.port());
  }
}
