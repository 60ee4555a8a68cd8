package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.grpc.MethodRoles;
import ch.ipng.maglev.frontend.http.ActionRoles;
import ch.ipng.maglev.frontend.http.AdminAction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The role the dashboard asks of its user for an action is the role maglevd asks of a client for
 * the RPC the action makes (maglevd's MethodRoles): were they to differ, a user would be refused by
 * one side what the other allows.
 */
class ActionRolesAgreementTest {
  static final List<AdminAction> ONE_OF_EACH =
      List.of(
          new AdminAction.Lifecycle("lb0", "web1", "pause", "", Duration.ZERO),
          new AdminAction.Lifecycle("lb0", "web1", "resume", "", Duration.ZERO),
          new AdminAction.Lifecycle("lb0", "web1", "enable", "", Duration.ZERO),
          new AdminAction.Lifecycle("lb0", "web1", "disable", "", Duration.ZERO),
          new AdminAction.SetWeight("lb0", "site", "primary", "web1", 5, false, "", Duration.ZERO),
          new AdminAction.WeightPreview("lb0", "site", "primary", "web1", 5),
          new AdminAction.SyncVpp("lb0", ""),
          new AdminAction.ReleaseChecker("lb0"),
          new AdminAction.ReloadConfig("lb0"));

  @Test
  void everyAction_needsTheRoleMaglevdNeedsForItsRpc() {
    for (AdminAction a : ONE_OF_EACH) {
      var method = AdminCalls.call(a).method();
      assertThat(ActionRoles.required(a).name())
          .as(ActionRoles.kind(a) + " makes " + method.getFullMethodName())
          .isEqualTo(MethodRoles.required(method).name());
    }
  }

  @Test
  void theSamples_coverEveryKindOfAction() {
    Set<String> kinds = ONE_OF_EACH.stream().map(ActionRoles::kind).collect(Collectors.toSet());
    assertThat(kinds).isEqualTo(ActionRoles.table().keySet());
  }

  @Test
  void eachActionMakesItsOwnRpc() {
    assertThat(ONE_OF_EACH.stream().map(a -> AdminCalls.call(a).method()).distinct())
        .hasSize(ONE_OF_EACH.size());
  }
}
