package org.rnn4j.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Spaces: their JSON form, their checks, and what the random and grid samplers draw from them. */
class SearchSpaceTest {

  static final SearchSpace SPACE = SearchSpace.of(
      Param.choice("cell", "lstm", "gru"),
      Param.logInteger("hidden", 16, 256),
      Param.logReal("lr", 1e-4, 1e-2),
      Param.real("dropout", 0, 0.5),
      Param.choice("peephole", "yes", "no").when("cell", "lstm"));

  @Test
  void jsonRoundTripsAndReadsTheDocumentedForm() {
    assertThat(SearchSpace.fromJson(SPACE.toJson())).isEqualTo(SPACE);
    SearchSpace read = SearchSpace.fromJson("{\"cell\": {\"choice\": [\"lstm\", \"gru\"]},"
        + " \"hidden\": {\"int\": [16, 256], \"log\": true}, \"lr\": {\"real\": [0.0001, 0.01], \"log\": true},"
        + " \"dropout\": {\"real\": [0, 0.5]}, \"peephole\": {\"choice\": [\"yes\", \"no\"], \"when\": {\"cell\": [\"lstm\"]}}}");
    assertThat(read).isEqualTo(SPACE);
  }

  @Test
  void badSpacesAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> SearchSpace.fromJson("{\"hidden\": {\"int\": [16.5, 256]}}"))
        .hasMessageContaining("'hidden'").hasMessageContaining("whole numbers");
    assertThatThrownBy(() -> SearchSpace.fromJson("{\"hidden\": {\"range\": [1, 2]}}"))
        .hasMessageContaining("unknown member 'range'");
    assertThatThrownBy(() -> SearchSpace.of(Param.real("lr", 0, 1).when("cell", "lstm")))
        .hasMessageContaining("'lr' is conditional on 'cell', which must be a choice declared before it");
    assertThatThrownBy(() -> SearchSpace.of(Param.choice("cell", "lstm"), Param.real("x", 0, 1).when("cell", "gru")))
        .hasMessageContaining("'gru', which is not one of its choices");
    assertThatThrownBy(() -> Param.logReal("lr", 0, 1)).hasMessageContaining("low > 0 on a log scale");
    assertThatThrownBy(() -> SearchSpace.of(Param.integer("a", 1, 2), Param.integer("a", 1, 3)))
        .hasMessageContaining("'a' is declared twice");
  }

  @Test
  void problemNamesMissingInactiveAndOutOfRangeValues() {
    Map<String, Object> ok = new LinkedHashMap<>(Map.of("cell", "gru", "hidden", 32, "lr", 0.001, "dropout", 0.1));
    assertThat(SPACE.problem(ok)).isNull();
    ok.put("peephole", "yes");
    assertThat(SPACE.problem(ok)).isEqualTo("'peephole' is set but inactive");
    ok.put("cell", "lstm");
    assertThat(SPACE.problem(ok)).isNull();
    ok.put("hidden", 512);
    assertThat(SPACE.problem(ok)).isEqualTo("'hidden' = 512 is outside its range");
  }

  @Test
  void randomSamplesStayInRangeAndRespectConditions() {
    Sampler s = Sampler.random();
    int small = 0;
    for (int i = 0; i < 2000; i++) {
      Map<String, Object> v = s.sample(SPACE, java.util.List.of(), i, new Random(i));
      assertThat(SPACE.problem(v)).isNull();
      assertThat(v.containsKey("peephole")).isEqualTo(v.get("cell").equals("lstm"));
      if ((Integer) v.get("hidden") <= 64) {
        small++;
      }
    }
    // log-uniform on [15.5, 256.5]: P(hidden <= 64) = log(64.5 / 15.5) / log(256.5 / 15.5) = 0.508
    assertThat(small / 2000.0).isBetween(0.46, 0.56);
  }

  @Test
  void theGridVisitsEveryCombinationOnce() {
    SearchSpace space = SearchSpace.of(Param.choice("cell", "lstm", "gru", "rnn"), Param.integer("layers", 1, 3),
        Param.logReal("lr", 1e-3, 1e-1));
    Sampler grid = Sampler.grid(3);
    Set<Map<String, Object>> seen = new HashSet<>();
    for (int i = 0; i < 27; i++) {
      seen.add(grid.sample(space, java.util.List.of(), i, new Random(0)));
    }
    assertThat(seen).hasSize(27);
    assertThat(seen).contains(Map.of("cell", "rnn", "layers", 2, "lr", 0.1));
    assertThat(grid.sample(space, java.util.List.of(), 27, new Random(0)))
        .isEqualTo(grid.sample(space, java.util.List.of(), 0, new Random(0)));
    double mid = (Double) grid.sample(space, java.util.List.of(), 1, new Random(0)).get("lr");
    assertThat(mid).isCloseTo(1e-2, org.assertj.core.data.Offset.offset(1e-12));
  }
}
