package ch.ipng.maglev.daemon.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.ClientRole;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.MaglevProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MethodRolesTest {
  private static final com.google.protobuf.Descriptors.ServiceDescriptor SERVICE =
      MaglevProto.getDescriptor().findServiceByName("Maglev");

  @Test
  void everyRpcOfMaglevProto_hasARole_andNoRowIsStale() {
    assertThat(MethodRoles.REQUIRED.keySet())
        .as("MethodRoles.REQUIRED against maglev.proto: give a new RPC its role there")
        .containsExactlyInAnyOrderElementsOf(
            SERVICE.getMethods().stream().map(MethodDescriptor::getName).toList());
  }

  @Test
  void exactlyTheRpcsWithoutSideEffects_needOnlyViewer() {
    for (MethodDescriptor m : SERVICE.getMethods()) {
      boolean read = m.getOptions().getIdempotencyLevel() == IdempotencyLevel.NO_SIDE_EFFECTS;
      assertThat(MethodRoles.REQUIRED.get(m.getName()) == ClientRole.VIEWER)
          .as("%s is %s", m.getName(), read ? "NO_SIDE_EFFECTS" : "a change")
          .isEqualTo(read);
    }
  }

  @Test
  void onlyReloadConfig_needsAdmin() {
    assertThat(
            MethodRoles.REQUIRED.entrySet().stream()
                .filter(e -> e.getValue() == ClientRole.ADMIN)
                .map(java.util.Map.Entry::getKey)
                .collect(Collectors.toSet()))
        .containsExactly("ReloadConfig");
  }

  @Test
  void methodsOfTheDescriptor_resolve_andOtherServicesNeedAdmin() {
    assertThat(MethodRoles.required(MaglevGrpc.getPauseBackendMethod()))
        .isEqualTo(ClientRole.OPERATOR);
    assertThat(MethodRoles.required(MaglevGrpc.getListBackendsMethod()))
        .isEqualTo(ClientRole.VIEWER);
    assertThat(MethodRoles.mutating(MaglevGrpc.getReloadConfigMethod())).isTrue();
    assertThat(MethodRoles.required(HealthGrpc.getCheckMethod())).isEqualTo(ClientRole.ADMIN);
  }
}
