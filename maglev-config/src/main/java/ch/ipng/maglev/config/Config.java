package ch.ipng.maglev.config;

import java.util.Map;

/**
 * One immutable, validated snapshot of maglev.yaml. Health checks and backends are ordered by name,
 * frontends in config order.
 */
public record Config(
    HealthCheckerSettings healthchecker,
    VppLbSettings vppLb,
    Map<String, HealthCheck> healthchecks,
    Map<String, Backend> backends,
    Map<String, Frontend> frontends,
    GrpcAccess grpc) {

  /** A config without {@code maglev.grpc}. */
  public Config(
      HealthCheckerSettings healthchecker,
      VppLbSettings vppLb,
      Map<String, HealthCheck> healthchecks,
      Map<String, Backend> backends,
      Map<String, Frontend> frontends) {
    this(healthchecker, vppLb, healthchecks, backends, frontends, GrpcAccess.defaults());
  }

  public Config {
    java.util.Objects.requireNonNull(grpc, "grpc");
    healthchecks = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(healthchecks));
    backends = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(backends));
    frontends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(frontends));
  }
}
