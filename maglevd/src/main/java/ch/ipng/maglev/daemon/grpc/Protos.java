package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.BackendStatus;
import ch.ipng.maglev.daemon.checker.Transition;
import ch.ipng.maglev.daemon.dataplane.Counters;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.SlowStart;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.proto.BackendEvent;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendEvent;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.LogEvent;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.ProbeResultInfo;
import ch.ipng.maglev.proto.SlowStartInfo;
import ch.ipng.maglev.proto.TransitionInfo;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBConf;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.proto.VPPLBVIPCounters;
import com.google.common.net.InetAddresses;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Converts maglevd's model to the proto messages of the API. */
final class Protos {
  private Protos() {}

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static FrontendInfo frontend(FrontendStatus s) {
    return frontend(s, SlowStart.none());
  }

  /** A frontend with its backends' slow-start ramps, their time left counted from now. */
  static FrontendInfo frontend(FrontendStatus s, SlowStart slowStart) {
    Frontend f = s.frontend();
    Map<String, SlowStart.Ramp> ramps = slowStart.ramps(f.name());
    Instant now = Instant.now();
    FrontendInfo.Builder b =
        FrontendInfo.newBuilder()
            .setName(f.name())
            .setAddress(InetAddresses.toAddrString(f.address()))
            .setProtocol(f.protocol().configName())
            .setPort(f.port())
            .setDescription(f.description())
            .setSrcIpSticky(f.srcIpSticky())
            .setFlushOnDown(f.flushOnDown())
            .setState(s.view().state().label())
            .setActivePool(s.view().activePool())
            .setOnAllDown(f.onAllDown().label())
            .setMinHealthy(f.minHealthy())
            .setMode(s.view().mode().label())
            .setMaxDrain(f.maxDrain())
            .setMaxDrainWindowNs(f.maxDrainWindow().toNanos());
    java.util.Set<String> held = new java.util.TreeSet<>();
    for (Map<String, ch.ipng.maglev.daemon.health.WeightReason> pool : s.view().reasons()) {
      pool.forEach(
          (backend, r) -> {
            if (r == ch.ipng.maglev.daemon.health.WeightReason.HELD) {
              held.add(backend);
            }
          });
    }
    b.addAllHeld(held);
    for (int i = 0; i < f.pools().size(); i++) {
      PoolInfo.Builder p = PoolInfo.newBuilder().setName(f.pools().get(i).name());
      for (Map.Entry<String, Integer> e : s.weights().get(i).entrySet()) {
        EffectiveWeights.Weight w = s.view().pools().get(i).get(e.getKey());
        PoolBackendInfo.Builder pb =
            PoolBackendInfo.newBuilder()
                .setName(e.getKey())
                .setWeight(e.getValue())
                .setEffectiveWeight(w.weight())
                .setFlush(w.flush())
                .setState(s.states().get(e.getKey()).label())
                .setReason(reason(s.view().reasons().get(i).get(e.getKey())));
        SlowStart.Ramp r = ramps.get(e.getKey());
        if (r != null) {
          pb.setSlowStart(slowStart(f.name(), r, now));
        }
        p.addBackends(pb);
      }
      b.addPools(p);
    }
    return b.build();
  }

  /** The proto spelling of a reason: one vocabulary, the names match. */
  /** The checker's suspicion as the API shows it (suspected false for none). */
  static ch.ipng.maglev.proto.CheckerSuspicion suspicion(
      ch.ipng.maglev.daemon.model.LiveModel.@Nullable Suspect s) {
    var b = ch.ipng.maglev.proto.CheckerSuspicion.newBuilder();
    if (s == null) {
      return b.build();
    }
    var e = s.evidence();
    return b.setSuspected(true)
        .setCause(e.cause().label())
        .setSinceNs(nanos(e.since()))
        .setDown(e.down())
        .setWithVerdict(e.withVerdict())
        .addAllFrontends(e.frontends())
        .setRanges(e.ranges())
        .setMaxLatenessNs(e.maxLateness().toNanos())
        .addAllFrozen(new java.util.TreeSet<>(s.frozen()))
        .build();
  }

  static ch.ipng.maglev.proto.WeightReason reason(
      ch.ipng.maglev.daemon.health.@Nullable WeightReason r) {
    return r == null
        ? ch.ipng.maglev.proto.WeightReason.WEIGHT_REASON_UNSPECIFIED
        : ch.ipng.maglev.proto.WeightReason.valueOf("WEIGHT_REASON_" + r.name());
  }

  /** A ramp as the API shows it. */
  static SlowStartInfo slowStart(String frontend, SlowStart.Ramp r, Instant now) {
    return SlowStartInfo.newBuilder()
        .setFrontend(frontend)
        .setWeight(r.weight())
        .setTargetWeight(r.target())
        .setLeftNs(r.left(now).toNanos())
        .setSinceNs(nanos(r.since()))
        .setDurationNs(r.duration().toNanos())
        .build();
  }

  static BackendInfo backend(BackendStatus s, Config config) {
    return backend(s, config, SlowStart.none());
  }

  /** A backend with its slow-start ramps, one per frontend it ramps in. */
  static BackendInfo backend(BackendStatus s, Config config, SlowStart slowStart) {
    BackendInfo.Builder b =
        BackendInfo.newBuilder()
            .setName(s.backend().name())
            .setAddress(InetAddresses.toAddrString(s.backend().address()))
            .setState(s.health().state().label())
            .setEnabled(s.health().state() != ch.ipng.maglev.daemon.health.BackendState.DISABLED)
            .setHealthcheck(s.backend().healthcheck())
            .setDescription(s.backend().description())
            .setCounter(s.health().counter())
            .setRise(s.health().rise())
            .setFall(s.health().fall());
    for (Transition t : s.transitions()) {
      b.addTransitions(transition(t));
    }
    if (!s.transitions().isEmpty()) {
      b.setLastTransitionNs(nanos(s.transitions().get(0).time()));
    }
    s.probes().stream()
        .filter(r -> r.tlsNotAfterEpochSeconds() != 0)
        .findFirst()
        .ifPresent(r -> b.setTlsCertNotAfterNs(r.tlsNotAfterEpochSeconds() * 1_000_000_000L));
    for (ProbeResult r : s.probes()) {
      b.addProbes(
          ProbeResultInfo.newBuilder()
              .setTimeNs(r.startEpochNanos())
              .setOk(r.ok())
              .setCode(r.code().label())
              .setLatencyNs(r.latencyNanos())
              .setDetail(r.detail()));
    }
    for (Frontend f : config.frontends().values()) {
      if (f.references(s.backend().name())) {
        b.addFrontends(f.name());
        SlowStart.Ramp r = slowStart.ramps(f.name()).get(s.backend().name());
        if (r != null) {
          b.addSlowStarts(slowStart(f.name(), r, Instant.now()));
        }
      }
    }
    return b.build();
  }

  static TransitionInfo transition(Transition t) {
    return TransitionInfo.newBuilder()
        .setFrom(t.from().label())
        .setTo(t.to().label())
        .setTimeNs(nanos(t.time()))
        .setCode(t.code())
        .setDetail(t.detail())
        .build();
  }

  static HealthCheckInfo healthcheck(HealthCheck hc, Config config) {
    HealthCheckInfo.Builder b =
        HealthCheckInfo.newBuilder()
            .setName(hc.name())
            .setType(hc.type().configName())
            .setPort(hc.port())
            .setIntervalNs(hc.interval().toNanos())
            .setFastIntervalNs(hc.fastInterval().toNanos())
            .setDownIntervalNs(hc.downInterval().toNanos())
            .setTimeoutNs(hc.timeout().toNanos())
            .setRise(hc.rise())
            .setFall(hc.fall());
    if (hc.probeIpv4Src() != null) {
      b.setProbeIpv4Src(InetAddresses.toAddrString(hc.probeIpv4Src()));
    }
    if (hc.probeIpv6Src() != null) {
      b.setProbeIpv6Src(InetAddresses.toAddrString(hc.probeIpv6Src()));
    }
    HealthCheck.HttpParams http = hc.http();
    if (http != null) {
      b.putParams("path", http.path());
      b.putParams("response-code", http.responseCodes().text());
      if (http.host() != null) {
        b.putParams("host", http.host());
      }
      if (http.regexp() != null) {
        b.putParams("response-regexp", http.regexp().pattern());
      }
      if (hc.type() == ch.ipng.maglev.config.ProbeType.HTTPS) {
        b.putParams("tls-verify", Boolean.toString(http.tlsVerify()));
        if (http.serverName() != null) {
          b.putParams("server-name", http.serverName());
        }
        if (http.caFile() != null) {
          b.putParams("ca-file", http.caFile().toString());
        }
      }
    }
    HealthCheck.TcpParams tcp = hc.tcp();
    if (tcp != null) {
      b.putParams("tls", Boolean.toString(tcp.tls()));
      if (tcp.tls()) {
        b.putParams("tls-verify", Boolean.toString(tcp.tlsVerify()));
        if (tcp.serverName() != null) {
          b.putParams("server-name", tcp.serverName());
        }
        if (tcp.caFile() != null) {
          b.putParams("ca-file", tcp.caFile().toString());
        }
      }
    }
    config.backends().values().stream()
        .filter(be -> be.healthcheck().equals(hc.name()))
        .forEach(be -> b.addBackends(be.name()));
    return b.build();
  }

  static Event event(MaglevEvent e) {
    Event.Builder b = Event.newBuilder().setTimeNs(nanos(e.time()));
    switch (e) {
      case MaglevEvent.BackendTransition t ->
          b.setBackend(
              BackendEvent.newBuilder()
                  .setName(t.backend())
                  .setTransition(
                      TransitionInfo.newBuilder()
                          .setFrom(t.from().label())
                          .setTo(t.to().label())
                          .setTimeNs(nanos(t.time()))
                          .setCode(t.code())
                          .setDetail(t.detail())));
      case MaglevEvent.FrontendTransition t ->
          b.setFrontend(
              FrontendEvent.newBuilder()
                  .setName(t.frontend())
                  .setFrom(t.from().label())
                  .setTo(t.to().label()));
      case MaglevEvent.OverrideChanged o ->
          b.setOverride(OverrideProtos.event(o.action(), o.override(), o.by()));
      case MaglevEvent.LogRecord r ->
          b.setLog(
              LogEvent.newBuilder().setLevel(r.level()).setMsg(r.msg()).putAllAttrs(r.attrs()));
      case MaglevEvent.AuditRecord a ->
          b.setAudit(
              ch.ipng.maglev.proto.AuditEvent.newBuilder()
                  .setActor(a.actor())
                  .setIdentity(a.identity())
                  .setPeer(a.peer())
                  .setRole(a.role())
                  .setRpc(a.rpc())
                  .putAllArgs(a.args())
                  .setResult(a.result())
                  .setDetail(a.detail()));
    }
    return b.build();
  }

  /** VPP's lb state, VIPs in address order, each AS named by its backend where there is one. */
  static VPPLBState lbState(LbView s) {
    VPPLBState.Builder b =
        VPPLBState.newBuilder()
            .setConf(
                VPPLBConf.newBuilder()
                    .setIpv4SrcAddress(InetAddresses.toAddrString(s.conf().ip4Source()))
                    .setIpv6SrcAddress(InetAddresses.toAddrString(s.conf().ip6Source()))
                    .setStickyBucketsPerCore(s.conf().stickyBucketsPerCore())
                    .setFlowTimeout(s.conf().flowTimeout()));
    for (LbView.Vip v : s.vips()) {
      VPPLBVIP.Builder vip =
          VPPLBVIP
              .newBuilder()
              .setPrefix(v.id().prefixString())
              .setProtocol(v.id().protocolName())
              .setPort(v.id().port())
              .setEncap(v.encap())
              .setSrcIpSticky(v.srcIpSticky())
              .setIndex(v.index())
              .setFlowTableLength(v.flowTableLength())
              .setFrontend(v.frontend());
      for (LbView.As a : v.ases()) {
        vip.addAses(
            VPPLBAS
                .newBuilder()
                .setAddress(InetAddresses.toAddrString(a.address()))
                .setWeight(a.weight())
                .setFlags(a.active() ? 1 : 0)
                .setBuckets(a.buckets())
                .setBackend(a.backend()));
      }
      b.addVips(vip);
    }
    return b.build();
  }

  /** The last counter scrape. */
  static VPPLBCounters lbCounters(Counters c) {
    VPPLBCounters.Builder b = VPPLBCounters.newBuilder().setTimeNs(nanos(c.time()));
    for (Counters.Vip v : c.vips()) {
      b.addVips(
          VPPLBVIPCounters.newBuilder()
              .setPrefix(v.id().prefixString())
              .setProtocol(v.id().protocolName())
              .setPort(v.id().port())
              .setFrontend(v.frontend())
              .setNext(v.next())
              .setFirst(v.first())
              .setUntracked(v.untracked())
              .setNoServer(v.noServer()));
    }
    return b.build();
  }
}
