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
    return of(Layout.of(config, status.frontend()), status);
  }

  /**
   * One frontend's desired VIP from its layout (made once per config): what is left per status is a
   * weight per AS, so a burst of transitions, which computes this for every frontend each touches,
   * allocates little more than the result.
   */
  public static DesiredVip of(Layout layout, FrontendStatus status) {
    List<Map<String, EffectiveWeights.Weight>> pools = status.view().pools();
    Map<InetAddress, EffectiveWeights.Weight> ases = new LinkedHashMap<>();
    for (int i = 0; i < layout.addresses().size(); i++) {
      EffectiveWeights.Weight best = null;
      for (String backend : layout.backendsAt().get(i)) {
        for (Map<String, EffectiveWeights.Weight> pool : pools) {
          EffectiveWeights.Weight w = pool.get(backend);
          if (w == null) {
            continue;
          }
          if (best == null
              || w.weight() > best.weight()
              || (best.weight() == 0 && w.weight() == 0 && w.flush() && !best.flush())) {
            best = w;
          }
        }
      }
      if (best != null) {
        ases.put(layout.addresses().get(i), best);
      }
    }
    Frontend f = layout.frontend();
    return new DesiredVip(
        f.name(), layout.key(), layout.encap(), f.srcIpSticky(), ases, layout.names());
  }

  /**
   * What the config fixes of a frontend's VIP: its key and encap, and its AS addresses in {@link
   * #ADDRESS_ORDER}, each with the backends behind it (one address may serve several backend names)
   * and the first one's name.
   *
   * @param backendsAt per address (same index), the backend names with that address
   * @param names AS address to the name of its first backend, in address order
   */
  public record Layout(
      Frontend frontend,
      VipKey key,
      Encap encap,
      List<InetAddress> addresses,
      List<List<String>> backendsAt,
      Map<InetAddress, String> names) {

    public static Layout of(Config config, Frontend f) {
      Map<InetAddress, List<String>> byAddress = new HashMap<>();
      boolean v6Backends = false;
      for (Frontend.Pool pool : f.pools()) {
        for (String name : pool.backends().keySet()) {
          Backend backend = config.backends().get(name);
          if (backend == null) {
            continue;
          }
          InetAddress a = backend.address();
          v6Backends |= a instanceof Inet6Address;
          List<String> at = byAddress.computeIfAbsent(a, x -> new ArrayList<>());
          if (!at.contains(name)) {
            at.add(name);
          }
        }
      }
      List<InetAddress> addresses = inAddressOrder(byAddress.keySet());
      List<List<String>> backendsAt = new ArrayList<>();
      Map<InetAddress, String> names = new LinkedHashMap<>();
      for (InetAddress a : addresses) {
        List<String> at = byAddress.get(a);
        backendsAt.add(List.copyOf(at));
        names.put(a, at.getFirst());
      }
      boolean v6 = byAddress.isEmpty() ? !(f.address() instanceof Inet4Address) : v6Backends;
      return new Layout(
          f,
          keyOf(f),
          v6 ? Encap.GRE6 : Encap.GRE4,
          List.copyOf(addresses),
          List.copyOf(backendsAt),
          java.util.Collections.unmodifiableMap(names));
    }
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
