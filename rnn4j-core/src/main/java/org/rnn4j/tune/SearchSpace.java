package org.rnn4j.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.internal.io.Json;

/**
 * The parameters a search samples, in order: a condition may only name a choice declared before it,
 * so one pass in order assigns every active parameter. Written and read as JSON, one member per
 * parameter:
 *
 * <pre>{@code
 * {"cell":    {"choice": ["lstm", "gru"]},
 *  "hidden":  {"int": [16, 256], "log": true},
 *  "lr":      {"real": [0.0001, 0.01], "log": true},
 *  "dropout": {"real": [0, 0.5], "when": {"layers2": ["yes"]}}}
 * }</pre>
 *
 * Immutable and thread-safe.
 *
 * @param params the parameters, each name once
 */
public record SearchSpace(List<Param> params) {

  /** Validates and copies. */
  public SearchSpace {
    params = List.copyOf(params);
    Map<String, Param> seen = new LinkedHashMap<>();
    for (Param p : params) {
      if (seen.containsKey(p.name())) {
        throw new IllegalArgumentException("search space: '" + p.name() + "' is declared twice");
      }
      Param.Condition c = p.condition();
      if (c != null) {
        Param parent = seen.get(c.parent());
        if (!(parent instanceof Param.Choice choice)) {
          throw new IllegalArgumentException("search space: '" + p.name() + "' is conditional on '" + c.parent()
              + "', which must be a choice declared before it");
        }
        for (String v : c.values()) {
          if (!choice.values().contains(v)) {
            throw new IllegalArgumentException("search space: '" + p.name() + "' is conditional on " + c.parent()
                + " = '" + v + "', which is not one of its choices " + choice.values());
          }
        }
      }
      seen.put(p.name(), p);
    }
    if (params.isEmpty()) {
      throw new IllegalArgumentException("search space: expected at least one parameter");
    }
  }

  /** A space of these parameters. */
  public static SearchSpace of(Param... params) {
    return new SearchSpace(List.of(params));
  }

  /** The parameter named {@code name}, or null. */
  public Param param(String name) {
    for (Param p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** Whether {@code p} is active given the values assigned so far (its parent's among them). */
  public static boolean active(Param p, Map<String, Object> assigned) {
    Param.Condition c = p.condition();
    return c == null || c.values().contains(assigned.get(c.parent()));
  }

  /**
   * Whether {@code values} assigns exactly the active parameters, each a value it admits: a journal's
   * or a user's settings are checked against the space before a trial runs them.
   */
  public String problem(Map<String, Object> values) {
    Map<String, Object> assigned = new LinkedHashMap<>();
    for (Param p : params) {
      Object v = values.get(p.name());
      if (active(p, assigned)) {
        if (v == null) {
          return "'" + p.name() + "' has no value";
        }
        if (!p.admits(v)) {
          return "'" + p.name() + "' = " + v + " is outside its range";
        }
        assigned.put(p.name(), v);
      } else if (v != null) {
        return "'" + p.name() + "' is set but inactive";
      }
    }
    for (String k : values.keySet()) {
      if (param(k) == null) {
        return "'" + k + "' is not a parameter of the space";
      }
    }
    return null;
  }

  /** The space as the JSON {@link #fromJson} reads. */
  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Param p : params) {
      Map<String, Object> d = new LinkedHashMap<>();
      if (p instanceof Param.Choice c) {
        d.put("choice", c.values());
      } else if (p instanceof Param.IntRange r) {
        d.put("int", List.of((long) r.low(), (long) r.high()));
        if (r.log()) {
          d.put("log", true);
        }
      } else if (p instanceof Param.RealRange r) {
        d.put("real", List.of(r.low(), r.high()));
        if (r.log()) {
          d.put("log", true);
        }
      }
      if (p.condition() != null) {
        d.put("when", Map.of(p.condition().parent(), p.condition().values()));
      }
      out.put(p.name(), d);
    }
    return Json.write(out);
  }

  /**
   * Reads a space written as in the class comment.
   *
   * @throws IllegalArgumentException naming the parameter and what was expected
   */
  public static SearchSpace fromJson(String text) {
    Object root = Json.parse(text);
    if (!(root instanceof Map<?, ?> members) || members.isEmpty()) {
      throw new IllegalArgumentException("search space: expected a JSON object with one member per parameter,"
          + " received " + (root instanceof Map ? "an empty object" : root instanceof List ? "an array"
          : root == null ? "null" : "'" + root + "'"));
    }
    List<Param> params = new ArrayList<>();
    for (Map.Entry<?, ?> e : members.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof Map<?, ?> d)) {
        throw new IllegalArgumentException("search space: '" + name + "': expected an object such as"
            + " {\"choice\": [...]}, {\"int\": [low, high]} or {\"real\": [low, high]}");
      }
      for (Object key : d.keySet()) {
        if (!List.of("choice", "int", "real", "log", "when").contains(key)) {
          throw new IllegalArgumentException("search space: '" + name + "': unknown member '" + key
              + "' (expected choice, int, real, log, when)");
        }
      }
      boolean log = Boolean.TRUE.equals(d.get("log"));
      Param p;
      if (d.get("choice") instanceof List<?> values) {
        List<String> words = new ArrayList<>();
        for (Object v : values) {
          words.add(v instanceof Double x && x == Math.rint(x) ? Long.toString((long) (double) x) : String.valueOf(v));
        }
        p = new Param.Choice(name, words, null);
      } else if (d.get("int") instanceof List<?> r && r.size() == 2 && r.get(0) instanceof Long lo
          && r.get(1) instanceof Long hi) {
        p = new Param.IntRange(name, Math.toIntExact(lo), Math.toIntExact(hi), log, null);
      } else if (d.get("real") instanceof List<?> r && r.size() == 2 && r.get(0) instanceof Number lo
          && r.get(1) instanceof Number hi) {
        p = new Param.RealRange(name, lo.doubleValue(), hi.doubleValue(), log, null);
      } else {
        throw new IllegalArgumentException("search space: '" + name + "': expected {\"choice\": [words]},"
            + " {\"int\": [low, high]} with whole numbers or {\"real\": [low, high]}, got " + Json.write(d));
      }
      if (d.get("when") instanceof Map<?, ?> when) {
        if (when.size() != 1 || !(when.values().iterator().next() instanceof List<?> vs)) {
          throw new IllegalArgumentException("search space: '" + name + "': expected \"when\": {\"parent\":"
              + " [values]}, got " + Json.write(when));
        }
        String parent = String.valueOf(when.keySet().iterator().next());
        p = p.when(parent, vs.stream().map(String::valueOf).toArray(String[]::new));
      } else if (d.containsKey("when")) {
        throw new IllegalArgumentException("search space: '" + name + "': expected \"when\": {\"parent\": [values]}");
      }
      params.add(p);
    }
    return new SearchSpace(params);
  }
}
