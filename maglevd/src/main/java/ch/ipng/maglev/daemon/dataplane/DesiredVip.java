package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What VPP should hold for one frontend: a host-prefix VIP whose encap follows the backends'
 * address family, and one AS per backend with the effective (weight, flush).
 *
 * @param ases AS address to its weight, iterating IPv4 before IPv6, numerically ascending
 * @param backends AS address to the backend's name
 */
public record DesiredVip(
    String frontend,
    VipKey key,
    Encap encap,
    boolean srcIpSticky,
    Map<InetAddress, EffectiveWeights.Weight> ases,
    Map<InetAddress, String> backends) {

  /** VPP's table length for every VIP maglevd creates (0 would make VPP allocate 2^32 buckets). */
  public static final int TABLE_LENGTH = 1024;

  /** IPv4 before IPv6, then numerically: the order VPP must see for identical Maglev tables. */
  public static final Comparator<InetAddress> ADDRESS_ORDER =
      Comparator.<InetAddress>comparingInt(a -> a.getAddress().length)
          .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

  /** VIPs in a deterministic order: by address, then protocol, then port. */
  public static final Comparator<VipKey> VIP_ORDER =
      Comparator.comparing(VipKey::prefix, ADDRESS_ORDER)
          .thenComparingInt(VipKey::length)
          .thenComparingInt(VipKey::protocol)
          .thenComparingInt(VipKey::port);

  /** Every frontend's desired VIP, in {@link #VIP_ORDER}. */
  public static List<DesiredVip> all(LiveModel model) {
    List<DesiredVip> out = new ArrayList<>();
    for (FrontendStatus f : model.frontends()) {
      out.add(of(model.config(), f));
    }
    sortByVip(out, DesiredVip::key);
    return out;
  }

  /** One frontend's desired VIP. A backend in several pools carries its largest weight. */
  public static DesiredVip of(Config config, FrontendStatus status) {
    Frontend f = status.frontend();
    Map<InetAddress, EffectiveWeights.Weight> weights = new HashMap<>();
    Map<InetAddress, String> firstNames = new HashMap<>();
    boolean v6Backends = false;
    boolean anyBackend = false;
    for (Map<String, EffectiveWeights.Weight> pool : status.view().pools()) {
      for (Map.Entry<String, EffectiveWeights.Weight> b : pool.entrySet()) {
        Backend backend = config.backends().get(b.getKey());
        if (backend == null) {
          continue;
        }
        InetAddress a = backend.address();
        anyBackend = true;
        v6Backends |= a instanceof Inet6Address;
        EffectiveWeights.Weight w = b.getValue();
        EffectiveWeights.Weight prev = weights.get(a);
        if (prev == null || w.weight() > prev.weight()) {
          weights.put(a, w);
        } else if (prev.weight() == 0 && w.weight() == 0 && w.flush() && !prev.flush()) {
          weights.put(a, w);
        }
        firstNames.putIfAbsent(a, backend.name());
      }
    }
    // hash maps iterating in address order: this runs for every frontend a transition touches
    Map<InetAddress, EffectiveWeights.Weight> ases = new LinkedHashMap<>();
    Map<InetAddress, String> names = new LinkedHashMap<>();
    for (InetAddress a : inAddressOrder(weights.keySet())) {
      ases.put(a, weights.get(a));
      names.put(a, firstNames.get(a));
    }
    boolean v6 = anyBackend ? v6Backends : !(f.address() instanceof Inet4Address);
    return new DesiredVip(
        f.name(), keyOf(f), v6 ? Encap.GRE6 : Encap.GRE4, f.srcIpSticky(), ases, names);
  }

  /**
   * The addresses in {@link #ADDRESS_ORDER}, each address's bytes copied once (the comparator
   * copies them on every comparison).
   */
  static List<InetAddress> inAddressOrder(Collection<InetAddress> addresses) {
    List<InetAddress> out = new ArrayList<>(addresses);
    sortByAddress(out, a -> a);
    return out;
  }

  /** Sorts in {@link #ADDRESS_ORDER} of each element's address. */
  static <T> void sortByAddress(List<T> list, Function<T, InetAddress> address) {
    sortByAddress(list, address, (x, y) -> 0);
  }

  /** Sorts in {@link #VIP_ORDER} of each element's VIP, as {@link #inAddressOrder} does. */
  static <T> void sortByVip(List<T> list, Function<T, VipKey> vip) {
    sortByAddress(
        list,
        t -> vip.apply(t).prefix(),
        Comparator.comparing(
            vip,
            Comparator.comparingInt(VipKey::length)
                .thenComparingInt(VipKey::protocol)
                .thenComparingInt(VipKey::port)));
  }

  private static <T> void sortByAddress(
      List<T> list, Function<T, InetAddress> address, Comparator<T> then) {
    if (list.size() < 2) {
      return;
    }
    record Keyed<T>(byte[] bytes, T item) {}
    List<Keyed<T>> keyed = new ArrayList<>(list.size());
    for (T t : list) {
      keyed.add(new Keyed<>(address.apply(t).getAddress(), t));
    }
    keyed.sort(
        (x, y) -> {
          int c = Integer.compare(x.bytes().length, y.bytes().length);
          if (c == 0) {
            c = Arrays.compareUnsigned(x.bytes(), y.bytes());
          }
          return c != 0 ? c : then.compare(x.item(), y.item());
        });
    for (int i = 0; i < keyed.size(); i++) {
      list.set(i, keyed.get(i).item());
    }
  }

  /** A frontend's VIP: its address as a host prefix, protocol and port. */
  public static VipKey keyOf(Frontend f) {
    int length = f.address() instanceof Inet4Address ? 32 : 128;
    return new VipKey(f.address(), length, f.protocol().number(), f.port());
  }
}
