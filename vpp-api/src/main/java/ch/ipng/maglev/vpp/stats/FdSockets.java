package ch.ipng.maglev.vpp.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The native calls the stats socket needs and the JDK lacks: AF_UNIX SOCK_SEQPACKET sockets,
 * passing a file descriptor with SCM_RIGHTS, and memfd_create for the simulator's segment. Linux
 * LP64 layouts (x86-64 and arm64 agree).
 */
public final class FdSockets {
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int MFD_CLOEXEC = 1;
  private static final int MSGHDR_SIZE = 56;
  private static final int CMSG_SPACE_INT = 24;
  private static final int CMSG_LEN_INT = 20;

  /** libc, as JNR binds it. Public only because JNR implements it from another class loader. */
  public interface Lib {
    int socket(int domain, int type, int protocol);

    int connect(int fd, @In byte[] sockaddr, int addrlen);

    int bind(int fd, @In byte[] sockaddr, int addrlen);

    int listen(int fd, int backlog);

    int accept(int fd, Pointer sockaddr, Pointer addrlen);

    long sendmsg(int fd, Pointer msg, int flags);

    long recvmsg(int fd, Pointer msg, int flags);

    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    int memfd_create(String name, int flags);

    int ftruncate(int fd, long length);

    int close(int fd);

    int shutdown(int fd, int how);

    String strerror(int errnum);
  }

  private static final class Holder {
    static final Lib LIB =
        LibraryLoader.create(Lib.class).option(LibraryOption.SaveError, true).load("c");

    private Holder() {}
  }

  private FdSockets() {}

  private static Lib lib() {
    return Holder.LIB;
  }

  private static IOException error(String what) {
    int errno = jnr.ffi.Runtime.getRuntime(lib()).getLastError();
    String text = lib().strerror(errno);
    return new IOException(
        what + ": " + (text == null ? "errno " + errno : text.toLowerCase(Locale.ROOT)));
  }

  private static byte[] sockaddr(Path path) throws IOException {
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length > 107) {
      throw new IOException(path + ": a Unix socket path has at most 107 bytes");
    }
    byte[] addr = new byte[2 + p.length + 1];
    addr[0] = AF_UNIX; // sa_family_t, little-endian u16
    System.arraycopy(p, 0, addr, 2, p.length);
    return addr;
  }

  /**
   * Connects to a SOCK_SEQPACKET socket and receives the one file descriptor sent over it (VPP
   * sends an empty message carrying it, then closes).
   */
  public static int receiveFd(Path socket, Duration timeout) throws IOException {
    int fd = lib().socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw error("socket(AF_UNIX, SOCK_SEQPACKET)");
    }
    try {
      byte[] tv = new byte[16];
      long micros = timeout.toNanos() / 1000;
      putLong(tv, 0, micros / 1_000_000);
      putLong(tv, 8, micros % 1_000_000);
      lib().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length);
      byte[] addr = sockaddr(socket);
      if (lib().connect(fd, addr, addr.length) != 0) {
        throw error("connect " + socket);
      }
      jnr.ffi.Runtime rt = jnr.ffi.Runtime.getRuntime(lib());
      Pointer data = Memory.allocateDirect(rt, 16);
      Pointer iov = Memory.allocateDirect(rt, 16);
      iov.putAddress(0, data.address());
      iov.putLong(8, 16);
      Pointer control = Memory.allocateDirect(rt, CMSG_SPACE_INT);
      Pointer msg = Memory.allocateDirect(rt, MSGHDR_SIZE);
      msg.putAddress(16, iov.address());
      msg.putLong(24, 1);
      msg.putAddress(32, control.address());
      msg.putLong(40, CMSG_SPACE_INT);
      if (lib().recvmsg(fd, msg, 0) < 0) {
        throw error("recvmsg " + socket);
      }
      long controlLength = msg.getLong(40);
      if (controlLength < CMSG_LEN_INT
          || control.getInt(8) != SOL_SOCKET
          || control.getInt(12) != SCM_RIGHTS) {
        throw new IOException(socket + ": the message carried no file descriptor (SCM_RIGHTS)");
      }
      return control.getInt(16);
    } finally {
      lib().close(fd);
    }
  }

  /** A listening SOCK_SEQPACKET socket; the file is replaced if it exists. */
  public static int listen(Path socket) throws IOException {
    java.nio.file.Files.deleteIfExists(socket);
    int fd = lib().socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw error("socket(AF_UNIX, SOCK_SEQPACKET)");
    }
    byte[] addr = sockaddr(socket);
    if (lib().bind(fd, addr, addr.length) != 0 || lib().listen(fd, 16) != 0) {
      IOException e = error("bind/listen " + socket);
      lib().close(fd);
      throw e;
    }
    return fd;
  }

  /** Accepts one connection on a listening socket; blocks. */
  public static int accept(int listenFd) throws IOException {
    int fd = lib().accept(listenFd, null, null);
    if (fd < 0) {
      throw error("accept");
    }
    return fd;
  }

  /** Sends an empty message carrying {@code passed} through SCM_RIGHTS, as VPP does. */
  public static void sendFd(int fd, int passed) throws IOException {
    jnr.ffi.Runtime rt = jnr.ffi.Runtime.getRuntime(lib());
    Pointer iov = Memory.allocateDirect(rt, 16);
    iov.putAddress(0, 0);
    iov.putLong(8, 0);
    Pointer control = Memory.allocateDirect(rt, CMSG_SPACE_INT);
    control.putLong(0, CMSG_LEN_INT);
    control.putInt(8, SOL_SOCKET);
    control.putInt(12, SCM_RIGHTS);
    control.putInt(16, passed);
    Pointer msg = Memory.allocateDirect(rt, MSGHDR_SIZE);
    msg.putAddress(16, iov.address());
    msg.putLong(24, 1);
    msg.putAddress(32, control.address());
    msg.putLong(40, CMSG_SPACE_INT);
    if (lib().sendmsg(fd, msg, 0) < 0) {
      throw error("sendmsg");
    }
  }

  /** An anonymous memory file of {@code size} bytes. */
  public static int memfd(String name, long size) throws IOException {
    int fd = lib().memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
      throw error("memfd_create");
    }
    if (lib().ftruncate(fd, size) != 0) {
      IOException e = error("ftruncate");
      lib().close(fd);
      throw e;
    }
    return fd;
  }

  public static void close(int fd) {
    lib().close(fd);
  }

  /** Shuts a socket down both ways, which also wakes a thread blocked in accept on it. */
  public static void shutdown(int fd) {
    lib().shutdown(fd, 2);
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
