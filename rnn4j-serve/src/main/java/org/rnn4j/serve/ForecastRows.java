package org.rnn4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.rnn4j.cli.forecast.ForecastRun;

/**
 * The JSON of {@code :forecast}: the request's recent raw data ({@code "rows": [{"date": ..., "value":
 * ...}, ...]}, or {@code "csv": "..."}) turned into the CSV text {@code rnn4j forecast} reads, so that
 * the server and the command read data the same way; and the forecast table as JSON rows. Thread-safe:
 * stateless.
 */
final class ForecastRows {
  private ForecastRows() {}

  /** The request's data as CSV text (columns in the order the first row names them). */
  static String csv(JsonNode body) {
    JsonNode csv = body.get("csv");
    JsonNode rows = body.get("rows");
    if (csv != null && rows != null) {
      throw HttpError.badRequest("rows, csv: expected one of them, got both");
    }
    if (csv != null) {
      if (!csv.isTextual() || csv.asText().isBlank()) {
        throw HttpError.badRequest("csv: expected CSV text with a header line, got " + Protocol.describe(csv));
      }
      return csv.asText();
    }
    if (rows == null || !rows.isArray() || rows.isEmpty()) {
      throw HttpError.badRequest("rows: expected an array of objects, one per time step (for example {\"date\":"
          + " \"2024-01-31\", \"value\": 1.5}), got " + Protocol.describe(rows));
    }
    Set<String> columns = new LinkedHashSet<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      if (!r.isObject() || r.isEmpty()) {
        throw HttpError.badRequest("rows[" + i + "]: expected an object of column values, got " + Protocol.describe(r));
      }
      r.fieldNames().forEachRemaining(columns::add);
    }
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(columns);
    for (int c = 0; c < header.size(); c++) {
      out.append(c > 0 ? "," : "").append(cell(header.get(c)));
    }
    out.append('\n');
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      for (int c = 0; c < header.size(); c++) {
        JsonNode v = r.get(header.get(c));
        if (v != null && (v.isContainerNode())) {
          throw HttpError.badRequest("rows[" + i + "]." + header.get(c) + ": expected a number, a text or null, got "
              + Protocol.describe(v));
        }
        out.append(c > 0 ? "," : "").append(v == null || v.isNull() ? "" : cell(v.isNumber() ? v.numberValue()
            .toString() : v.asText()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String cell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** The table as {@code {"columns": [...], "rows": [{column: value}], "notes": [...]}}; numbers as numbers. */
  static ObjectNode answer(ForecastRun.Table table) {
    ObjectNode o = Protocol.JSON.objectNode();
    ArrayNode cols = o.putArray("columns");
    table.header().forEach(cols::add);
    ArrayNode rows = o.putArray("rows");
    for (List<String> r : table.rows()) {
      ObjectNode row = rows.addObject();
      for (int c = 0; c < r.size(); c++) {
        String v = r.get(c);
        String name = table.header().get(c);
        if (v.isEmpty()) {
          row.putNull(name);
        } else if (v.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?") && !name.equals("date") && !name.equals("id")) {
          row.put(name, new java.math.BigDecimal(v));
        } else {
          row.put(name, v);
        }
      }
    }
    ArrayNode notes = o.putArray("notes");
    table.notes().forEach(notes::add);
    return o;
  }
}
