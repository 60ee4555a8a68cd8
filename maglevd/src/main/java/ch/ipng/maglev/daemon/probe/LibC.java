package ch.ipng.maglev.daemon.probe;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The few libc calls probing needs that the JDK lacks: setns and raw/ICMP sockets. Public only
 * because JNR implements it from another class loader.
 */
public interface LibC {
  int O_RDONLY = 0;
  int O_CLOEXEC = 0x80000;
  int CLONE_NEWNET = 0x40000000;
  int AF_INET = 2;
  int AF_INET6 = 10;
  int SOCK_DGRAM = 2;
  int SOCK_RAW = 3;
  int SOCK_CLOEXEC = 0x80000;
  int IPPROTO_ICMP = 1;
  int IPPROTO_ICMPV6 = 58;
  int SOL_SOCKET = 1;
  int SO_RCVTIMEO = 20;
  int EAGAIN = 11;
  int EINTR = 4;
  int EPERM = 1;
  int EACCES = 13;

  int open(String path, int flags);

  int close(int fd);

  int setns(int fd, int nstype);

  int socket(int domain, int type, int protocol);

  int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

  int bind(int fd, @In byte[] sockaddr, int addrlen);

  long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] to, int tolen);

  long recvfrom(int fd, @Out byte[] buf, long len, int flags, @Out byte[] from, int[] fromlen);

  String strerror(int errnum);

  /** The C library, loaded on first use. */
  static LibC get() {
    return Holder.INSTANCE;
  }

  /** errno of the calling thread's last failed call. */
  static int errno() {
    return jnr.ffi.Runtime.getRuntime(get()).getLastError();
  }

  /** "operation not permitted" for EPERM: strerror, lower-cased as Go prints it. */
  static String describe(int errno) {
    String s = get().strerror(errno);
    return s == null || s.isEmpty()
        ? "errno " + errno
        : s.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + s.substring(1);
  }

  /** Lazy holder: loading libc costs time, and many runs never need it. */
  final class Holder {
    static final LibC INSTANCE =
        LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");

    private Holder() {}
  }
}
