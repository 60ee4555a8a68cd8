package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Decodes {@code maglev.grpc}: {@code clients}, a mapping of certificate identity to role. */
final class GrpcAccessDecoder {
  static final Set<String> KEYS = Fields.keys("clients");
  private static final String ROLES =
      Arrays.stream(ClientRole.values()).map(ClientRole::label).collect(Collectors.joining(", "));

  private final Fields f;

  GrpcAccessDecoder(Fields f) {
    this.f = f;
  }

  GrpcAccess decode(@Nullable Entry e) {
    Map<String, Entry> m = e == null ? null : f.mapping(e, KEYS);
    if (m == null) {
      return GrpcAccess.defaults();
    }
    Map<String, ClientRole> clients = new LinkedHashMap<>();
    for (Entry client : f.named(m.get("clients")).values()) {
      String role = f.string(client);
      if (role == null) {
        continue;
      }
      var r = ClientRole.of(role);
      if (r.isEmpty()) {
        f.semantic(
            client, "unknown role \"" + Text.shorten(role) + "\" (expected: one of " + ROLES + ")");
        continue;
      }
      clients.put(Fields.keyName(client), r.get());
    }
    return new GrpcAccess(clients);
  }
}
