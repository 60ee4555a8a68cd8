package ch.ipng.maglev.daemon.probe;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One ICMP or ICMPv6 socket: raw (needs CAP_NET_RAW) or, where the kernel's ping_group_range allows
 * it, an unprivileged datagram socket. Blocking calls; used only from platform threads.
 */
final class IcmpSocket implements AutoCloseable {
  private final int fd;
  private final boolean v6;
  private final boolean raw;

  private IcmpSocket(int fd, boolean v6, boolean raw) {
    this.fd = fd;
    this.v6 = v6;
    this.raw = raw;
  }

  /**
   * Opens a socket of the family, raw first, then datagram; binds it to {@code source} if given.
   * Must run on a thread in the right namespace.
   */
  static IcmpSocket open(boolean v6, @Nullable InetAddress source) throws IOException {
    LibC libc = LibC.get();
    int domain = v6 ? LibC.AF_INET6 : LibC.AF_INET;
    int proto = v6 ? LibC.IPPROTO_ICMPV6 : LibC.IPPROTO_ICMP;
    boolean raw = true;
    int fd = libc.socket(domain, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, proto);
    int rawErrno = fd < 0 ? LibC.errno() : 0;
    if (fd < 0) {
      raw = false;
      fd = libc.socket(domain, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, proto);
      if (fd < 0) {
        throw new IOException(
            "icmp socket: "
                + LibC.describe(rawErrno)
                + " (needs CAP_NET_RAW, or net.ipv4.ping_group_range covering maglevd's group)");
      }
    }
    IcmpSocket s = new IcmpSocket(fd, v6, raw);
    // A receive timeout lets the reader notice close() without signals.
    byte[] tv = new byte[16];
    tv[8] = (byte) (200_000 & 0xff);
    tv[9] = (byte) ((200_000 >> 8) & 0xff);
    tv[10] = (byte) ((200_000 >> 16) & 0xff);
    libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, tv.length);
    if (source != null) {
      byte[] sa = sockaddr(source);
      if (libc.bind(fd, sa, sa.length) != 0) {
        int e = LibC.errno();
        s.close();
        throw new IOException("bind " + source.getHostAddress() + ": " + LibC.describe(e));
      }
    }
    return s;
  }

  boolean raw() {
    return raw;
  }

  boolean v6() {
    return v6;
  }

  /** Sends one ICMP message to {@code target}. */
  void send(byte[] icmp, InetAddress target) throws IOException {
    byte[] sa = sockaddr(target);
    long n = LibC.get().sendto(fd, icmp, icmp.length, 0, sa, sa.length);
    if (n < 0) {
      throw new IOException("sendto: " + LibC.describe(LibC.errno()));
    }
  }

  /**
   * Receives one datagram; returns null on the receive timeout. For raw IPv4 the data starts with
   * the IP header.
   */
  @Nullable Received receive(byte[] buf) throws IOException {
    byte[] from = new byte[28];
    int[] fromLen = {from.length};
    long n = LibC.get().recvfrom(fd, buf, buf.length, 0, from, fromLen);
    if (n < 0) {
      int e = LibC.errno();
      if (e == LibC.EAGAIN || e == LibC.EINTR) {
        return null;
      }
      throw new IOException("recvfrom: " + LibC.describe(e));
    }
    return new Received((int) n, address(from));
  }

  @Override
  public void close() {
    LibC.get().close(fd);
  }

  /** A datagram's length and sender. */
  record Received(int length, @Nullable InetAddress from) {}

  static byte[] sockaddr(InetAddress a) {
    if (a instanceof Inet4Address) {
      byte[] sa = new byte[16];
      sa[0] = (byte) LibC.AF_INET;
      System.arraycopy(a.getAddress(), 0, sa, 4, 4);
      return sa;
    }
    byte[] sa = new byte[28];
    sa[0] = (byte) LibC.AF_INET6;
    System.arraycopy(a.getAddress(), 0, sa, 8, 16);
    if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      int id = v6.getScopeId();
      sa[24] = (byte) id;
      sa[25] = (byte) (id >> 8);
      sa[26] = (byte) (id >> 16);
      sa[27] = (byte) (id >> 24);
    }
    return sa;
  }

  private static @Nullable InetAddress address(byte[] sa) {
    int family = (sa[0] & 0xff) | (sa[1] & 0xff) << 8;
    try {
      if (family == LibC.AF_INET) {
        return InetAddress.getByAddress(Arrays.copyOfRange(sa, 4, 8));
      }
      if (family == LibC.AF_INET6) {
        return InetAddress.getByAddress(Arrays.copyOfRange(sa, 8, 24));
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}
