package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The frontend of each VIP and the backend of each AS address, from one config snapshot. */
record VppNames(
    Config config, Map<VipKey, String> frontendByVip, Map<InetAddress, String> backendByAddress) {
  static VppNames of(Config config) {
    Map<VipKey, String> frontends = new HashMap<>();
    for (Frontend f : config.frontends().values()) {
      frontends.putIfAbsent(DesiredVip.keyOf(f), f.name());
    }
    Map<InetAddress, String> backends = new HashMap<>();
    for (Backend b : config.backends().values()) {
      backends.putIfAbsent(b.address(), b.name()); // the first by name, as listed
    }
    return new VppNames(config, frontends, backends);
  }

  /** The frontend a VIP belongs to, or "". */
  String frontendOf(VipKey key) {
    return frontendByVip.getOrDefault(key, "");
  }

  /** The backend with this address, or "". */
  String backendOf(InetAddress address) {
    return backendByAddress.getOrDefault(address, "");
  }

  @SuppressWarnings("ReferenceEquality")
  private static boolean isSame(Config a, Config b) {
    return a == b;
  }

  /** The names of the newest config, rebuilt only when the config changes; any thread. */
  static final class Cache {
    private volatile @Nullable VppNames names;

    VppNames of(Config config) {
      VppNames n = names;
      // the same snapshot object: a reload makes a new one, and equals would compare it all
      if (n == null || !isSame(n.config(), config)) {
        n = VppNames.of(config);
        names = n;
      }
      return n;
    }
  }
}
