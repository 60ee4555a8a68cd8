package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.GeneratedSource.RUNTIME;
import static ch.ipng.maglev.vpp.apigen.JavaNames.className;
import static ch.ipng.maglev.vpp.apigen.JavaNames.fieldName;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.javaType;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.lengthOf;

import ch.ipng.maglev.vpp.apigen.ApiModel.Field;
import ch.ipng.maglev.vpp.apigen.ApiModel.Primitive;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import ch.ipng.maglev.vpp.apigen.ArrayMembers.Component;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A VPP type or message as a record with its decode, size and encode methods. A message's header
 * fields are not components: the framing writes them, and {@code MessageType.Header} says which the
 * message has. Count fields of variable arrays are not components either, because the encoder
 * writes the array's length itself.
 */
final class RecordEmitter {
  private static final Set<String> HEADER_FIELDS = Set.of("_vl_msg_id", "client_index", "context");

  private final StructDef s;
  private final String cls;
  private final Set<String> counts;

  /** The fields after a message's header: the ones the codec reads and writes. */
  private final List<Field> fields;

  /** A message's MessageType.Header constant; empty for a type. */
  private final String headerKind;

  private final List<Component> components;

  /** Whether the record implements Reply: it has an i32 retval, or an i32 response. */
  private final boolean hasRetval;

  /** The size of the fixed part: every fixed field, the count fields and string lengths. */
  private final int fixed;

  private final StringBuilder b = new StringBuilder();

  private RecordEmitter(StructDef s) {
    this.s = s;
    this.cls = className(s.name());
    this.counts = s.countFields();
    this.fields = new ArrayList<>(s.fields());
    this.headerKind = s.message() ? stripHeader(s, fields) : "";
    this.components = components(s, fields, counts);
    this.hasRetval = fields.stream().anyMatch(RecordEmitter::isRetval);
    this.fixed = Codecs.fixedSize(fields, counts);
  }

  static GeneratedSource emit(StructDef s) {
    RecordEmitter r = new RecordEmitter(s);
    return new GeneratedSource(r.imports(), r.body());
  }

  /** Removes the header fields from the front of a message's fields; returns their kind. */
  private static String stripHeader(StructDef s, List<Field> fields) {
    if (fields.isEmpty() || !fields.get(0).name().equals("_vl_msg_id")) {
      throw new IllegalArgumentException(s.name() + ": first field is not _vl_msg_id");
    }
    fields.remove(0);
    StringBuilder kinds = new StringBuilder();
    while (!fields.isEmpty() && HEADER_FIELDS.contains(fields.get(0).name())) {
      kinds.append(fields.remove(0).name().equals("client_index") ? "CLIENT_" : "CONTEXT_");
    }
    String kind = kinds.isEmpty() ? "NONE" : kinds.substring(0, kinds.length() - 1);
    if (kind.equals("CONTEXT_CLIENT")) {
      throw new IllegalArgumentException(s.name() + ": context before client_index");
    }
    return kind;
  }

  private static List<Component> components(StructDef s, List<Field> fields, Set<String> counts) {
    List<Component> components = new ArrayList<>();
    for (Field f : fields) {
      if (!counts.contains(f.name())) {
        String javaType = javaType(s, f);
        components.add(new Component(fieldName(f.name()), javaType, javaType.endsWith("[]")));
      }
    }
    return components;
  }

  private static boolean isRetval(Field f) {
    return (f.name().equals("retval") || f.name().equals("response"))
        && f.type() instanceof Primitive p
        && p.vppName().equals("i32");
  }

  private List<String> imports() {
    List<String> imports = new ArrayList<>(List.of("java.nio.ByteBuffer"));
    imports.add("java.util.Arrays");
    imports.add("java.util.List");
    imports.add(RUNTIME + ".Wire");
    if (s.message()) {
      imports.add(RUNTIME + ".Message");
      imports.add(RUNTIME + ".MessageType");
    }
    if (hasRetval) {
      imports.add(RUNTIME + ".Reply");
    }
    return imports;
  }

  private String body() {
    appendDeclaration();
    appendConstant();
    if (hasRetval && components.stream().noneMatch(c -> c.name().equals("retval"))) {
      b.append("  @Override\n  public int retval() {\n    return response;\n  }\n\n");
    }
    appendDecode();
    appendSize();
    appendEncode();
    if (components.stream().anyMatch(Component::array)) {
      b.append('\n');
      ArrayMembers.append(b, cls, components);
    }
    b.append("}\n");
    return b.toString();
  }

  /** The Javadoc, the record's components and its interfaces. */
  private void appendDeclaration() {
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
  }

  /** A message's TYPE, or a type's SIZE when it has no variable fields. */
  private void appendConstant() {
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
  }

  /** Reads every field into a local, count fields too, then calls the constructor. */
  private void appendDecode() {
    b.append("  public static ").append(cls).append(" decode(ByteBuffer buf) {\n");
    List<String> args = new ArrayList<>();
    for (Field f : fields) {
      String local = local(f.name());
      if (counts.contains(f.name())) {
        b.append("    int ")
            .append(local)
            .append(" = ")
            .append(Codecs.read((Primitive) f.type()))
            .append(";\n");
        continue;
      }
      String count =
          f.countField() == null ? Integer.toString(f.arrayLength()) : local(f.countField());
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
  }

  /** The name of a field's local in decode, which cannot clash with a parameter or a keyword. */
  private static String local(String vppName) {
    return "f_" + fieldName(vppName).replace("_", "");
  }

  /** The fixed part plus each variable field's bytes. */
  private void appendSize() {
    b.append(s.message() ? "  @Override\n  public int bodySize() {\n" : "  public int size() {\n");
    b.append("    int size = ").append(fixed).append(";\n");
    for (Field f : fields) {
      if (!counts.contains(f.name()) && f.size() < 0) {
        b.append("    size += ").append(Codecs.dynamicSize(f)).append(";\n");
      }
    }
    b.append("    return size;\n  }\n\n");
  }

  /** A message's messageType and encodeBody, or a type's encode. */
  private void appendEncode() {
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
        appendPutCount(f);
      } else {
        b.append(Codecs.writeField(s, f));
      }
    }
    b.append("  }\n");
  }

  /** A count field is written from the length of the array it counts. */
  private void appendPutCount(Field count) {
    Field array =
        fields.stream().filter(a -> count.name().equals(a.countField())).findFirst().get();
    b.append("    Wire.putCount(buf, ")
        .append(lengthOf(array))
        .append(", ")
        .append(count.type().size())
        .append(", \"")
        .append(s.name())
        .append('.')
        .append(array.name())
        .append("\");\n");
  }
}
