package ch.ipng.maglev.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code maglev.healthchecks.<name>} with every default filled in.
 *
 * @param port destination port, 0 for icmp
 * @param http HTTP parameters for http and https, else null
 * @param tcp TCP parameters for tcp, else null
 * @param slowStart how long a backend of this check that comes up ramps to its weight (zero: off);
 *     a frontend's own {@code slow-start} wins. Not part of the probe ({@link #sameProbe})
 */
public record HealthCheck(
    String name,
    ProbeType type,
    int port,
    Duration interval,
    Duration fastInterval,
    Duration downInterval,
    Duration timeout,
    int rise,
    int fall,
    @Nullable Inet4Address probeIpv4Src,
    @Nullable Inet6Address probeIpv6Src,
    @Nullable HttpParams http,
    @Nullable TcpParams tcp,
    Duration slowStart) {

  /** A check without slow start. */
  public HealthCheck(
      String name,
      ProbeType type,
      int port,
      Duration interval,
      Duration fastInterval,
      Duration downInterval,
      Duration timeout,
      int rise,
      int fall,
      @Nullable Inet4Address probeIpv4Src,
      @Nullable Inet6Address probeIpv6Src,
      @Nullable HttpParams http,
      @Nullable TcpParams tcp) {
    this(
        name,
        type,
        port,
        interval,
        fastInterval,
        downInterval,
        timeout,
        rise,
        fall,
        probeIpv4Src,
        probeIpv6Src,
        http,
        tcp,
        Duration.ZERO);
  }

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;

  /**
   * Whether two definitions probe the same way; the name does not count, so a renamed but identical
   * check does not restart its backends.
   */
  public boolean sameProbe(HealthCheck other) {
    return new HealthCheck(
            "",
            type,
            port,
            interval,
            fastInterval,
            downInterval,
            timeout,
            rise,
            fall,
            probeIpv4Src,
            probeIpv6Src,
            http,
            tcp)
        .equals(
            new HealthCheck(
                "",
                other.type,
                other.port,
                other.interval,
                other.fastInterval,
                other.downInterval,
                other.timeout,
                other.rise,
                other.fall,
                other.probeIpv4Src,
                other.probeIpv6Src,
                other.http,
                other.tcp));
  }

  /**
   * {@code params} of an http or https check.
   *
   * @param host Host header and default TLS SNI, or null for the address
   * @param regexp matched against the first 64 KiB of the body, or null
   * @param serverName TLS SNI (https), or null for {@code host}
   * @param caFile trust anchors for verification, or null for the system CAs
   */
  public record HttpParams(
      String path,
      @Nullable String host,
      ResponseCodes responseCodes,
      @Nullable Pattern regexp,
      @Nullable String serverName,
      boolean tlsVerify,
      @Nullable Path caFile) {

    @Override
    public boolean equals(@Nullable Object o) {
      // Pattern has identity equality; compare its source instead.
      return o instanceof HttpParams p
          && path.equals(p.path)
          && java.util.Objects.equals(host, p.host)
          && responseCodes.equals(p.responseCodes)
          && java.util.Objects.equals(
              regexp == null ? null : regexp.pattern(),
              p.regexp == null ? null : p.regexp.pattern())
          && java.util.Objects.equals(serverName, p.serverName)
          && tlsVerify == p.tlsVerify
          && java.util.Objects.equals(caFile, p.caFile);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(
          path,
          host,
          responseCodes,
          regexp == null ? null : regexp.pattern(),
          serverName,
          tlsVerify,
          caFile);
    }
  }

  /**
   * {@code params} of a tcp check.
   *
   * @param tls do a TLS handshake after connecting
   */
  public record TcpParams(
      boolean tls, @Nullable String serverName, boolean tlsVerify, @Nullable Path caFile) {}
}
