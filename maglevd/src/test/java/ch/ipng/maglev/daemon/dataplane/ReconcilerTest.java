package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler against an lb plugin in memory: every kind of write, refusals, read-back. */
class ReconcilerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

  /** Two frontends over three backends; web has a standby pool. */
  static final String CONFIG =
      """
      maglev:
        healthchecks:
          hc: { type: tcp, port: 80 }
        backends:
          a: { address: 198.18.0.1, healthcheck: hc }
          b: { address: 198.18.0.2, healthcheck: hc }
          c: { address: 198.18.0.3, healthcheck: hc }
        frontends:
          web:
            address: 198.19.0.1
            protocol: tcp
            port: 80
            pools:
              - name: primary
                backends: { a: { weight: 100 }, b: { weight: 50 } }
              - name: standby
                backends: { c: {} }
          mail:
            address: 198.19.0.2
            protocol: tcp
            port: 25
            pools:
              - name: only
                backends: { b: {} }
      """;

  InMemoryLb vpp;
  final Queue<Runnable> ownerQueue = new ArrayDeque<>();
  Reconciler reconciler;
  LiveModel model;

  @BeforeEach
  void setUp() throws Exception {
    vpp = new InMemoryLb();
    reconciler = new Reconciler(vpp, ownerQueue::add, DataplaneObserver.NONE, CLOCK);
    model =
        LiveModel.of(
            Configs.parse(CONFIG),
            Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.UP));
  }

  static VipKey vip(String address, int port) throws Exception {
    return new VipKey(InetAddress.getByName(address), 32, 6, port);
  }

  static InetAddress ip(String address) throws Exception {
    return InetAddress.getByName(address);
  }

  List<DesiredVip> desired() {
    return DesiredVip.all(model);
  }

  DesiredVip desired(String frontend) {
    return DesiredVip.of(model.config(), model.frontend(frontend).orElseThrow());
  }

  @Test
  void fullSync_intoAnEmptyVpp_writesEveryVipAndAs_andASecondOneWritesNothing() throws Exception {
    SyncResult first = reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);

    assertThat(first).isEqualTo(new SyncResult(2, 0, 4, 0, 0));
    assertThat(vpp.ases(vip("198.19.0.1", 80)))
        .containsExactly(
            Map.entry(ip("198.18.0.1"), 100),
            Map.entry(ip("198.18.0.2"), 50),
            Map.entry(ip("198.18.0.3"), 0));
    vpp.writes.clear();
    assertThat(reconciler.fullSync(desired(), true, SyncTrigger.PERIODIC))
        .isEqualTo(SyncResult.NONE);
    assertThat(vpp.writes).isEmpty();
  }

  @Test
  void aBackendGoingDown_writesOnlyItsWeight_flushed_fromTheBelievedState() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.writes.clear();
    model = model.withState("a", BackendState.DOWN);

    SyncResult r =
        reconciler.sync(
            List.of(desired("web")),
            null,
            SyncTrigger.TRANSITION,
            Map.of(),
            Reconciler.Answers.AWAIT);

    assertThat(r).isEqualTo(new SyncResult(0, 0, 0, 0, 1));
    assertThat(vpp.writes).containsExactly("set weight 198.18.0.1 0 flush on 198.19.0.1/32 tcp/80");
  }

  @Test
  void whenThePrimaryPoolIsDown_theStandbyTakesOver_andAFlushIsWrittenOnce() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.writes.clear();
    model = model.withState("a", BackendState.DISABLED).withState("b", BackendState.DOWN);

    reconciler.sync(
        List.of(desired("web")), null, SyncTrigger.TRANSITION, Map.of(), Reconciler.Answers.AWAIT);
    assertThat(vpp.ases(vip("198.19.0.1", 80)))
        .containsEntry(ip("198.18.0.1"), 0)
        .containsEntry(ip("198.18.0.2"), 0)
        .containsEntry(ip("198.18.0.3"), 100);
    assertThat(vpp.writes).contains("set weight 198.18.0.1 0 flush on 198.19.0.1/32 tcp/80");

    vpp.writes.clear();
    reconciler.sync(
        List.of(desired("web")), null, SyncTrigger.TRANSITION, Map.of(), Reconciler.Answers.AWAIT);
    assertThat(vpp.writes).as("a flush done at weight 0 is not repeated").isEmpty();
  }

  @Test
  void anOperatorFlush_isWrittenEvenWhenTheWeightIsUnchanged() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.writes.clear();
    VipKey web = vip("198.19.0.1", 80);

    SyncResult r =
        reconciler.sync(
            List.of(desired("web")),
            new Plan.AsKey(web, ip("198.18.0.2")),
            SyncTrigger.OPERATOR,
            Map.of(),
            Reconciler.Answers.AWAIT);

    assertThat(r.asWeightUpdated()).isEqualTo(1);
    assertThat(vpp.writes)
        .containsExactly("set weight 198.18.0.2 50 flush on 198.19.0.1/32 tcp/80");
  }

  @Test
  void aRefusedWrite_isNotCounted_andItsVipIsForgotten_untilAFullSyncRepairsIt() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.refuse(w -> w.startsWith("set weight 198.18.0.2"));
    model = model.withState("b", BackendState.DOWN);

    SyncResult r =
        reconciler.sync(
            List.of(desired("web"), desired("mail")),
            null,
            SyncTrigger.TRANSITION,
            Map.of(),
            Reconciler.Answers.AWAIT);

    assertThat(r).isEqualTo(SyncResult.NONE);
    assertThat(reconciler.believed(vip("198.19.0.1", 80))).isNull();
    assertThat(reconciler.believed(vip("198.19.0.2", 25))).isNull();
    assertThat(vpp.ases(vip("198.19.0.1", 80))).containsEntry(ip("198.18.0.2"), 50);

    vpp.refuse(w -> false);
    SyncResult repaired = reconciler.fullSync(desired(), true, SyncTrigger.PERIODIC);
    assertThat(repaired.asWeightUpdated()).isEqualTo(2);
    assertThat(vpp.ases(vip("198.19.0.1", 80))).containsEntry(ip("198.18.0.2"), 0);
  }

  @Test
  void answersReportedLater_handTheUndoOfARefusalBackToTheOwnerThread() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.refuse(w -> w.startsWith("set weight"));
    model = model.withState("a", BackendState.DOWN);

    SyncResult r =
        reconciler.sync(
            List.of(desired("web")),
            null,
            SyncTrigger.TRANSITION,
            Map.of(vip("198.19.0.1", 80), CLOCK.instant()),
            Reconciler.Answers.REPORT_LATER);

    assertThat(r).isEqualTo(SyncResult.NONE);
    // believed to be written until the owner thread runs the undo
    assertThat(reconciler.believed(vip("198.19.0.1", 80))).isNotNull();
    assertThat(ownerQueue).hasSize(1);
    ownerQueue.remove().run();
    assertThat(reconciler.believed(vip("198.19.0.1", 80))).isNull();
  }

  @Test
  void afterAVppRestart_aFullSyncReadsBackNothing_andReprogramsEverything() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.restart();

    SyncResult r = reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);

    assertThat(r).isEqualTo(new SyncResult(2, 0, 4, 0, 0));
    assertThat(vpp.vips).containsKeys(vip("198.19.0.1", 80), vip("198.19.0.2", 25));
  }

  @Test
  void vipsNothingWants_goOnlyWhenStraysMayBeDeleted() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    List<DesiredVip> onlyWeb = List.of(desired("web"));

    assertThat(reconciler.fullSync(onlyWeb, false, SyncTrigger.WARM_UP_RELEASE))
        .isEqualTo(SyncResult.NONE);
    assertThat(vpp.vips).containsKey(vip("198.19.0.2", 25));

    SyncResult r = reconciler.fullSync(onlyWeb, true, SyncTrigger.WARM_UP_END);
    assertThat(r).isEqualTo(new SyncResult(0, 1, 0, 1, 0));
    assertThat(vpp.vips).doesNotContainKey(vip("198.19.0.2", 25));
    assertThat(vpp.writes)
        .endsWith("del as 198.18.0.2 from 198.19.0.2/32 tcp/25", "del vip 198.19.0.2/32 tcp/25");
  }

  @Test
  void aVipWhoseStickinessChanged_isRecreated() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    model =
        LiveModel.of(
            Configs.parse(CONFIG.replace("port: 25", "port: 25\n      src-ip-sticky: true")),
            Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.UP));

    SyncResult r = reconciler.fullSync(desired(), true, SyncTrigger.RELOAD);

    assertThat(r).isEqualTo(new SyncResult(1, 1, 1, 1, 0));
    assertThat(vpp.vips.get(vip("198.19.0.2", 25)).srcIpSticky()).isTrue();
  }

  @Test
  void driftBehindMaglevdsBack_isRepairedByAFullSync_andTheNextOneWritesNothing() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    VipKey web = vip("198.19.0.1", 80);
    VipKey stray = vip("198.19.0.99", 80);
    vpp.ases(web).remove(ip("198.18.0.2"));
    vpp.ases(web).put(ip("198.18.0.1"), 7);
    vpp.addVip(stray, ch.ipng.maglev.vpp.lb.LbClient.Encap.GRE4, 1024, false);
    vpp.addAs(stray, ip("10.0.0.1"), 100);

    SyncResult r = reconciler.fullSync(desired(), true, SyncTrigger.OPERATOR);

    assertThat(r).isEqualTo(new SyncResult(0, 1, 1, 1, 1));
    assertThat(vpp.ases(web))
        .containsOnly(
            Map.entry(ip("198.18.0.1"), 100),
            Map.entry(ip("198.18.0.2"), 50),
            Map.entry(ip("198.18.0.3"), 0));
    assertThat(vpp.vips).doesNotContainKey(stray);
    vpp.writes.clear();
    assertThat(reconciler.fullSync(desired(), true, SyncTrigger.OPERATOR))
        .isEqualTo(SyncResult.NONE);
    assertThat(vpp.writes).isEmpty();
  }

  @Test
  void aDisabledBackendReprogrammedAtWeightZero_hasNothingLeftToFlush() throws Exception {
    model = model.withState("c", BackendState.DISABLED); // weight 0, flush wanted
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.restart();
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    vpp.writes.clear();

    assertThat(reconciler.fullSync(desired(), true, SyncTrigger.OPERATOR))
        .isEqualTo(SyncResult.NONE);
    reconciler.sync(
        List.of(desired("web")), null, SyncTrigger.TRANSITION, Map.of(), Reconciler.Answers.AWAIT);
    assertThat(vpp.writes).as("no flush of an AS created at weight 0").isEmpty();
  }

  @Test
  void aReloadAddingAnIpv6Vip_withIpv4Backends_writesItWithGre4() throws Exception {
    reconciler.fullSync(desired(), true, SyncTrigger.CONNECT);
    String extra =
        """
            v6:
              address: 2001:db8::10
              protocol: tcp
              port: 443
              pools:
                - name: main
                  backends: { a: {} }
        """;
    model =
        model.withConfig(
            Configs.parse(CONFIG + extra),
            Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.UP));

    SyncResult r = reconciler.fullSync(desired(), true, SyncTrigger.RELOAD);

    VipKey v6 = new VipKey(ip("2001:db8::10"), 128, 6, 443);
    assertThat(r).isEqualTo(new SyncResult(1, 0, 1, 0, 0));
    assertThat(vpp.vips.get(v6).encap()).isEqualTo(ch.ipng.maglev.vpp.lb.LbClient.Encap.GRE4);
    assertThat(vpp.ases(v6)).containsExactly(Map.entry(ip("198.18.0.1"), 100));
  }
}
