package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.daemon.override.OperatorOverride;
import ch.ipng.maglev.daemon.override.OverrideBook;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.OverrideEvent;
import ch.ipng.maglev.proto.OverrideInfo;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Overrides on the wire: OverrideInfo on backends and pool entries, OverrideEvent. */
final class OverrideProtos {
  private OverrideProtos() {}

  static OverrideInfo info(OperatorOverride o) {
    OverrideInfo.Builder b =
        OverrideInfo.newBuilder()
            .setKind(o.kind().label())
            .setBackend(o.backend())
            .setActor(o.actor())
            .setReason(o.reason())
            .setSinceNs(nanos(o.since()));
    if (o.kind() == OperatorOverride.Kind.WEIGHT) {
      b.setFrontend(Objects.requireNonNull(o.key().frontend()))
          .setPool(Objects.requireNonNull(o.key().pool()))
          .setWeight(o.weight());
    }
    Instant until = o.until();
    if (until != null) {
      b.setUntilNs(nanos(until));
    }
    return b.build();
  }

  /** The backend with the overrides in force for it. */
  static BackendInfo withOverrides(BackendInfo b, OverrideBook book) {
    var list = book.of(b.getName());
    if (list.isEmpty()) {
      return b;
    }
    BackendInfo.Builder out = b.toBuilder();
    list.forEach(o -> out.addOverrides(info(o)));
    return out.build();
  }

  /** The frontend with each pool entry's weight override, where it has one. */
  static FrontendInfo withOverrides(FrontendInfo f, OverrideBook book) {
    if (book.isEmpty()) {
      return f;
    }
    FrontendInfo.Builder out = f.toBuilder();
    for (PoolInfo.Builder p : out.getPoolsBuilderList()) {
      for (PoolBackendInfo.Builder e : p.getBackendsBuilderList()) {
        Optional<OperatorOverride> o =
            book.get(
                OperatorOverride.Key.weight(
                    new ch.ipng.maglev.daemon.model.WeightKey(
                        f.getName(), p.getName(), e.getName())));
        o.ifPresent(x -> e.setOverride(info(x)));
      }
    }
    return out.build();
  }

  static OverrideEvent event(String action, OperatorOverride o, String by) {
    return OverrideEvent.newBuilder().setAction(action).setOverride(info(o)).setBy(by).build();
  }

  /** A ttl from the wire: nanoseconds, 0 none; negative refused by the caller's validation. */
  static Duration ttl(long nanos) {
    return Duration.ofNanos(nanos);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
