package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vppsim.LbPlugin.Vip;
import ch.ipng.maglev.vppsim.LbPlugin.VipType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The active VIPs by key, so lookups stay cheap with thousands of VIPs, and the checks a new VIP
 * must pass against them in VPP's order.
 */
final class ActiveVips {
  /** What identifies an active VIP: masked prefix, internal length, protocol, port. */
  private record Key(List<Byte> prefix, int plen, int protocol, int port) {
    static Key of(byte[] prefix, int plen, int protocol, int port) {
      List<Byte> bytes = new ArrayList<>(16);
      for (byte b : LbPlugin.mask(prefix, plen)) {
        bytes.add(b);
      }
      return new Key(bytes, plen, port == 0 ? 255 : protocol, port);
    }
  }

  private final Map<Key, Vip> active = new HashMap<>();

  /** The active VIP with this key; host bits and, for port 0, the protocol do not matter. */
  @Nullable Vip find(byte[] prefix, int plen, int protocol, int port) {
    return active.get(Key.of(prefix, plen, protocol, port));
  }

  void add(Vip vip) {
    active.put(Key.of(vip.prefix, vip.plen, vip.protocol, vip.port), vip);
  }

  void remove(Vip vip) {
    active.remove(Key.of(vip.prefix, vip.plen, vip.protocol, vip.port));
  }

  /**
   * VPP's checks for a new VIP with the masked prefix {@code key}; the first failure wins.
   *
   * @return {@link LbPlugin#OK} or the retval of the first check that fails
   */
  int check(byte[] key, int plen, int protocol, int port, VipType type, int tableLength) {
    if (find(key, plen, protocol, port) != null) {
      return LbPlugin.VALUE_EXIST;
    }
    for (Vip v : active.values()) {
      if (v.plen != plen || !Arrays.equals(v.prefix, key)) {
        continue;
      }
      // a prefix is either all-port or per-port, never both
      if (port != 0 && v.allPort()) {
        return LbPlugin.VALUE_EXIST;
      }
      if (port == 0 && !v.allPort()) {
        return LbPlugin.VALUE_EXIST;
      }
    }
    for (Vip v : active.values()) {
      if (port != 0
          && !v.allPort()
          && v.plen == plen
          && Arrays.equals(v.prefix, key)
          && v.type != type) {
        return LbPlugin.INVALID_ARGUMENT;
      }
    }
    if ((tableLength & (tableLength - 1)) != 0) {
      return LbPlugin.INVALID_MEMORY_SIZE;
    }
    if (type.ip4Vip() != LbPlugin.isIp4(key)) {
      return LbPlugin.INVALID_ADDRESS_FAMILY;
    }
    return LbPlugin.OK;
  }
}
