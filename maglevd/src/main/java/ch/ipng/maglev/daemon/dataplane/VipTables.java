package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.SlowStart;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The new-flow table VPP builds for a frontend's VIP from effective weights: the VIP maglevd writes
 * ({@link DesiredVip}) put through the lb plugin's Maglev algorithm ({@link MaglevTable}). Slow
 * start measures its steps with it. Pure.
 */
public final class VipTables {
  private VipTables() {}

  /** The table of frontend {@code f}'s VIP as a function of its effective weights. */
  public static SlowStart.Table of(Config config, Frontend f) {
    DesiredVip.Layout layout = DesiredVip.Layout.of(config, f);
    return view -> table(layout, view);
  }

  /** The table for one view: each AS indexed by its place in address order, from 1. */
  static int[] table(DesiredVip.Layout layout, EffectiveWeights.View view) {
    DesiredVip vip =
        DesiredVip.of(layout, new FrontendStatus(layout.frontend(), List.of(), Map.of(), view));
    List<MaglevTable.Server> servers = new ArrayList<>();
    List<InetAddress> addresses = layout.addresses();
    for (int i = 0; i < addresses.size(); i++) {
      EffectiveWeights.Weight w = vip.ases().get(addresses.get(i));
      if (w != null) {
        servers.add(new MaglevTable.Server(i + 1, addresses.get(i), w.weight(), true));
      }
    }
    return MaglevTable.compute(DesiredVip.TABLE_LENGTH, servers);
  }
}
