package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Sampling: seeded determinism, temperature, top-k, top-p, refused settings. */
class SamplerTest {
  private static final float[] LOGITS = {1f, 3f, 0f, 2.5f, -1f};

  private static int[] draws(Sampler s, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.sample(LOGITS);
    }
    return out;
  }

  @Test
  void sameSeedSameDraws() {
    Sampler.Builder b = Sampler.builder().temperature(0.9f).topK(4).topP(0.95f).seed(7);
    assertThat(draws(b.build(), 200)).containsExactly(draws(b.build(), 200));
    assertThat(draws(b.seed(8).build(), 200)).isNotEqualTo(draws(b.seed(7).build(), 200));
  }

  @Test
  void frequenciesFollowTheSoftmax() {
    Sampler s = Sampler.builder().seed(1).build();
    int n = 200_000;
    int[] counts = new int[LOGITS.length];
    for (int i = 0; i < n; i++) {
      counts[s.sample(LOGITS)]++;
    }
    double[] p = TextClassifier.softmax(LOGITS, 0, LOGITS.length);
    for (int j = 0; j < LOGITS.length; j++) {
      assertThat((double) counts[j] / n).as("id %d", j).isCloseTo(p[j], org.assertj.core.data.Offset.offset(0.005));
    }
  }

  @Test
  void topKAndTopPKeepOnlyTheMostLikely() {
    assertThat(draws(Sampler.builder().topK(1).seed(3).build(), 50)).containsOnly(1); // greedy
    assertThat(draws(Sampler.builder().topK(2).seed(3).build(), 500)).containsOnly(1, 3).contains(1, 3);
    // probabilities (T=1): id1 0.553, id3 0.335, id0 0.075, ... : p=0.5 keeps id1 alone, 0.8 keeps 1 and 3
    assertThat(draws(Sampler.builder().topP(0.5f).seed(3).build(), 200)).containsOnly(1);
    assertThat(draws(Sampler.builder().topP(0.8f).seed(3).build(), 500)).containsOnly(1, 3).contains(1, 3);
    // a very low temperature is almost greedy; ties go to the lower id under top-k
    assertThat(draws(Sampler.builder().temperature(0.01f).seed(3).build(), 50)).containsOnly(1);
    assertThat(Sampler.builder().topK(1).build().sample(new float[] {2f, 5f, 5f})).isEqualTo(1);
  }

  @Test
  void badSettingsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> Sampler.builder().temperature(0f).build())
        .hasMessageContaining("expected a temperature > 0, got 0.0");
    assertThatThrownBy(() -> Sampler.builder().temperature(-1f).build()).hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> Sampler.builder().topP(0f).build()).hasMessageContaining("top-p in (0, 1]")
        .hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> Sampler.builder().topP(1.5f).build()).hasMessageContaining("got 1.5");
    assertThatThrownBy(() -> Sampler.builder().topK(-2).build()).hasMessageContaining("top-k >= 1, or 0 for off");
    Sampler s = Sampler.builder().build();
    assertThatThrownBy(() -> s.sample(new float[] {1f, Float.NaN})).hasMessageContaining("finite logits");
    assertThatThrownBy(() -> s.sample(new float[0])).hasMessageContaining("at least one logit");
  }
}
