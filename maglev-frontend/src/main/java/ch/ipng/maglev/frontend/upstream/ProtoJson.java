package ch.ipng.maglev.frontend.upstream;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/** maglevd's answers as the page gets them: the protos' JSON, with the proto's field names. */
final class ProtoJson {
  static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence();

  private ProtoJson() {}

  static String print(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getClass().getSimpleName(), e);
    }
  }

  /** The repeated {@code field} of a List response, as a JSON array (empty when absent). */
  static JsonArray list(MessageOrBuilder m, String field) {
    JsonObject o = JsonParser.parseString(print(m)).getAsJsonObject();
    return o.has(field) ? o.getAsJsonArray(field) : new JsonArray();
  }
}
