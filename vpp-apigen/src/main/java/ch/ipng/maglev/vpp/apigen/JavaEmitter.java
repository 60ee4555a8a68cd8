package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.GeneratedSource.RUNTIME;
import static ch.ipng.maglev.vpp.apigen.JavaNames.className;
import static ch.ipng.maglev.vpp.apigen.JavaNames.fieldName;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.javaType;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.lengthOf;

import ch.ipng.maglev.vpp.apigen.ApiModel.EnumDef;
import ch.ipng.maglev.vpp.apigen.ApiModel.Field;
import ch.ipng.maglev.vpp.apigen.ApiModel.Primitive;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import ch.ipng.maglev.vpp.apigen.ArrayMembers.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes one Java source per struct, union, enum and message, plus a registry of every message.
 * Count fields of variable arrays are not record components because the encoder writes the array's
 * length itself; {@link JavaTypes} says which Java type each field gets.
 */
final class JavaEmitter {
  private static final Set<String> HEADER_FIELDS = Set.of("_vl_msg_id", "client_index", "context");

  private final String pkg;

  JavaEmitter(String pkg) {
    this.pkg = pkg;
  }

  /** Class name to source text for everything in the model. */
  Map<String, String> emit(ApiModel model) {
    Map<String, String> out = new LinkedHashMap<>();
    for (EnumDef e : model.enums.values()) {
      out.put(className(e.name()), EnumEmitter.emit(e).text(pkg));
    }
    for (StructDef s : model.structs.values()) {
      GeneratedSource source = s.union() ? UnionEmitter.emit(s) : structSource(s);
      out.put(className(s.name()), source.text(pkg));
    }
    out.put("Messages", RegistryEmitter.emit(model).text(pkg));
    return out;
  }

  private static GeneratedSource structSource(StructDef s) {
    String cls = className(s.name());
    Set<String> counts = s.countFields();
    List<Field> fields = new ArrayList<>(s.fields());
    String headerKind = "";
    if (s.message()) {
      if (fields.isEmpty() || !fields.get(0).name().equals("_vl_msg_id")) {
        throw new IllegalArgumentException(s.name() + ": first field is not _vl_msg_id");
      }
      fields.remove(0);
      StringBuilder kinds = new StringBuilder();
      while (!fields.isEmpty() && HEADER_FIELDS.contains(fields.get(0).name())) {
        kinds.append(fields.remove(0).name().equals("client_index") ? "CLIENT_" : "CONTEXT_");
      }
      headerKind = kinds.isEmpty() ? "NONE" : kinds.substring(0, kinds.length() - 1);
      if (headerKind.equals("CONTEXT_CLIENT")) {
        throw new IllegalArgumentException(s.name() + ": context before client_index");
      }
    }
    List<Component> components = new ArrayList<>();
    for (Field f : fields) {
      if (!counts.contains(f.name())) {
        String javaType = javaType(s, f);
        components.add(new Component(fieldName(f.name()), javaType, javaType.endsWith("[]")));
      }
    }
    List<String> imports = new ArrayList<>(List.of("java.nio.ByteBuffer"));
    imports.add("java.util.Arrays");
    imports.add("java.util.List");
    imports.add(RUNTIME + ".Wire");
    if (s.message()) {
      imports.add(RUNTIME + ".Message");
      imports.add(RUNTIME + ".MessageType");
    }
    boolean hasRetval = false;
    for (Field f : fields) {
      if ((f.name().equals("retval") || f.name().equals("response"))
          && f.type() instanceof Primitive p
          && p.vppName().equals("i32")) {
        hasRetval = true;
      }
    }
    if (hasRetval) {
      imports.add(RUNTIME + ".Reply");
    }
    StringBuilder b = new StringBuilder();
    b.append("/** VPP's ")
        .append(s.message() ? "message" : "type")
        .append(" {@code ")
        .append(s.name())
        .append("}");
    if (s.message()) {
      b.append(" (")
          .append(s.module())
          .append(", crc ")
          .append(String.format(Locale.ROOT, "%08x", s.crc()))
          .append(")");
    }
    b.append(". */\n");
    b.append("@SuppressWarnings(\"unused\")\n");
    b.append("public record ").append(cls).append('(');
    for (int i = 0; i < components.size(); i++) {
      b.append(i == 0 ? "" : ", ")
          .append(components.get(i).javaType())
          .append(' ')
          .append(components.get(i).name());
    }
    b.append(')');
    List<String> interfaces = new ArrayList<>();
    if (s.message()) {
      interfaces.add("Message");
    }
    if (hasRetval) {
      interfaces.add("Reply");
    }
    if (!interfaces.isEmpty()) {
      b.append(" implements ").append(String.join(", ", interfaces));
    }
    b.append(" {\n");
    int fixed = Codecs.fixedSize(fields, counts);
    boolean allFixed = fields.stream().allMatch(f -> counts.contains(f.name()) || f.size() >= 0);
    if (s.message()) {
      b.append("  public static final MessageType<")
          .append(cls)
          .append("> TYPE =\n")
          .append("      MessageType.of(\"")
          .append(s.name())
          .append("\", 0x")
          .append(String.format(Locale.ROOT, "%08x", s.crc()))
          .append(", \"")
          .append(s.module())
          .append("\", MessageType.Header.")
          .append(headerKind)
          .append(", ")
          .append(fixed)
          .append(", ")
          .append(cls)
          .append("::decode);\n\n");
    } else if (allFixed) {
      b.append("  public static final int SIZE = ").append(fixed).append(";\n\n");
    }
    if (hasRetval && !components.stream().anyMatch(c -> c.name().equals("retval"))) {
      b.append("  @Override\n  public int retval() {\n    return response;\n  }\n\n");
    }
    // decode
    b.append("  public static ").append(cls).append(" decode(ByteBuffer buf) {\n");
    List<String> args = new ArrayList<>();
    for (Field f : fields) {
      String local = "f_" + fieldName(f.name()).replace("_", "");
      if (counts.contains(f.name())) {
        b.append("    int ")
            .append(local)
            .append(" = ")
            .append(Codecs.read((Primitive) f.type()))
            .append(";\n");
        continue;
      }
      String count =
          f.countField() == null
              ? Integer.toString(f.arrayLength())
              : "f_" + fieldName(f.countField()).replace("_", "");
      b.append("    ")
          .append(javaType(s, f))
          .append(' ')
          .append(local)
          .append(" = ")
          .append(Codecs.readField(f, count))
          .append(";\n");
      args.add(local);
    }
    b.append("    return new ")
        .append(cls)
        .append('(')
        .append(String.join(", ", args))
        .append(");\n  }\n\n");
    // size
    b.append(s.message() ? "  @Override\n  public int bodySize() {\n" : "  public int size() {\n");
    b.append("    int size = ").append(fixed).append(";\n");
    for (Field f : fields) {
      if (!counts.contains(f.name()) && f.size() < 0) {
        b.append("    size += ").append(Codecs.dynamicSize(f)).append(";\n");
      }
    }
    b.append("    return size;\n  }\n\n");
    // encode
    if (s.message()) {
      b.append("  @Override\n  public MessageType<")
          .append(cls)
          .append("> messageType() {\n    return TYPE;\n  }\n\n");
      b.append("  @Override\n  public void encodeBody(ByteBuffer buf) {\n");
    } else {
      b.append("  public void encode(ByteBuffer buf) {\n");
    }
    for (Field f : fields) {
      if (counts.contains(f.name())) {
        Field array =
            fields.stream().filter(a -> f.name().equals(a.countField())).findFirst().get();
        b.append("    Wire.putCount(buf, ")
            .append(lengthOf(array))
            .append(", ")
            .append(f.type().size())
            .append(", \"")
            .append(s.name())
            .append('.')
            .append(array.name())
            .append("\");\n");
        continue;
      }
      b.append(Codecs.writeField(s, f));
    }
    b.append("  }\n");
    if (components.stream().anyMatch(Component::array)) {
      b.append('\n');
      ArrayMembers.append(b, cls, components);
    }
    b.append("}\n");
    return new GeneratedSource(imports, b.toString());
  }
}
