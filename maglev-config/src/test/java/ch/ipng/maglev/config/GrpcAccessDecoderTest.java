package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpcAccessDecoderTest {
  @Test
  void clients_areReadByIdentity() throws Exception {
    GrpcAccess a =
        config(
                "maglev:\n  grpc:\n    clients:\n      noc-dashboard: operator\n"
                    + "      pim@example.org: admin\n      mon: viewer\n")
            .grpc();
    assertThat(a.clients())
        .isEqualTo(
            Map.of(
                "noc-dashboard", ClientRole.OPERATOR,
                "pim@example.org", ClientRole.ADMIN,
                "mon", ClientRole.VIEWER));
    assertThat(a.role("mon")).contains(ClientRole.VIEWER);
    assertThat(a.role("nobody")).isEmpty();
  }

  @Test
  void noSection_meansNoClients() throws Exception {
    assertThat(config("maglev: {}\n").grpc()).isEqualTo(GrpcAccess.defaults());
    assertThat(config("maglev:\n  grpc: {}\n").grpc().clients()).isEmpty();
  }

  @Test
  void unknownRole_isRefusedWithTheRoles() {
    assertThat(errors("maglev:\n  grpc:\n    clients:\n      x: root\n"))
        .containsExactly(
            "maglev.grpc.clients.x: unknown role \"root\" (expected: one of viewer, operator,"
                + " admin) (line 4, column 10)");
  }

  @Test
  void unknownKeyAndNonMapping_areParseErrors() {
    assertThat(errors("maglev:\n  grpc:\n    users: {}\n")).hasSize(1);
    assertThat(errors("maglev:\n  grpc:\n    clients: [a]\n")).hasSize(1);
  }

  @Test
  void roles_includeTheLowerOnes() {
    assertThat(ClientRole.ADMIN.includes(ClientRole.OPERATOR)).isTrue();
    assertThat(ClientRole.OPERATOR.includes(ClientRole.OPERATOR)).isTrue();
    assertThat(ClientRole.VIEWER.includes(ClientRole.OPERATOR)).isFalse();
  }
}
