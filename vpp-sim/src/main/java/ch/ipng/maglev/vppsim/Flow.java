package ch.ipng.maglev.vppsim;

import org.jspecify.annotations.Nullable;

/**
 * One forwarded connection as the lb plugin sees it: its VIP, its flow hash, and the AS its sticky
 * entry names, with the flush counts it was made under. Read and changed only under the {@link
 * Simulator}'s lock.
 */
final class Flow {
  final int generation;
  final LbPlugin.Vip vip;
  final int hash;
  final LbPlugin.@Nullable As as;
  int asFlushes;
  int vipFlushes;
  boolean ended;

  Flow(int generation, LbPlugin.Vip vip, int hash, LbPlugin.@Nullable As as) {
    this.generation = generation;
    this.vip = vip;
    this.hash = hash;
    this.as = as;
    this.asFlushes = as == null ? 0 : as.flushes;
    this.vipFlushes = vip.flushes;
  }
}
