package ch.ipng.maglev.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendIndexTest {
  static final String YAML =
      """
      maglev:
        healthchecks:
          tcp: { type: tcp, port: 80 }
        backends:
          a: { address: 192.0.2.1, healthcheck: tcp }
          d: { address: 192.0.2.4, healthcheck: tcp }
          b: { address: 192.0.2.2, healthcheck: tcp }
          c: { address: 192.0.2.3, healthcheck: tcp }
        frontends:
          zeta:
            address: 198.51.100.1
            protocol: tcp
            port: 80
            pools:
              - { name: primary, backends: { a: {}, b: {} } }
              - { name: fallback, backends: { c: {} } }
          alpha:
            address: 198.51.100.2
            protocol: tcp
            port: 80
            pools:
              - { name: primary, backends: { a: {} } }
      """;

  @Test
  void listsTheReferencingFrontends_inConfigOrder() throws Exception {
    BackendIndex index = BackendIndex.of(ConfigLoader.parse(YAML, "test.yaml"));
    assertThat(index.frontendsOf("a")).extracting(Frontend::name).containsExactly("zeta", "alpha");
    assertThat(index.frontendsOf("b")).extracting(Frontend::name).containsExactly("zeta");
    assertThat(index.frontendsOf("c")).extracting(Frontend::name).containsExactly("zeta");
    assertThat(index.frontendsOf("d")).isEmpty();
    assertThat(index.frontendsOf("nosuch")).isEmpty();
  }
}
