package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Known-value tests of the update rules. Expected numbers are worked out by hand (written as the
 * arithmetic in the test) for the first steps, and by a plain double-precision re-statement of
 * PyTorch 1.13's rules (below, independent of the main code) for longer sequences.
 */
class OptimizerTest {

  /** Float optimizers against double references: a few float roundings per step. */
  private static final double TOL = 2e-6;

  private static float[] run(OptimizerSpec spec, float[] p0, float[][] grads) {
    float[] p = p0.clone();
    Optimizer o = spec.create(p.length);
    for (float[] g : grads) {
      float[] gCopy = g.clone();
      o.step(p, g);
      assertThat(g).as("grads are read-only").containsExactly(gCopy);
    }
    return p;
  }

  private static void assertClose(float[] actual, double[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("element %d", i)
          .isCloseTo(expected[i], within(TOL * Math.max(1, Math.abs(expected[i]))));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // SGD

  @Test
  void sgdPlainIsPMinusLrG() {
    float[] p = run(Sgd.of(0.1f), new float[] {1f, -2f}, new float[][] {{0.5f, -1f}, {1f, 2f}});
    assertClose(p, new double[] {1 - 0.05 - 0.1, -2 + 0.1 - 0.2});
  }

  @Test
  void sgdMomentumWithDampeningStartsTheBufferAtTheFirstGradient() {
    // momentum 0.9, dampening 0.5, lr 0.1; p0 = 1, grads 1, 2, -1
    // t1: buf = 1 (no dampening on the first step)           p = 1 - 0.1*1      = 0.9
    // t2: buf = 0.9*1 + 0.5*2 = 1.9                           p = 0.9 - 0.19     = 0.71
    // t3: buf = 0.9*1.9 + 0.5*(-1) = 1.21                     p = 0.71 - 0.121   = 0.589
    float[] p = run(new Sgd(0.1f, 0.9f, 0.5f, 0f, false), new float[] {1f},
        new float[][] {{1f}, {2f}, {-1f}});
    assertClose(p, new double[] {0.589});
  }

  @Test
  void sgdNesterovWithWeightDecay() {
    // momentum 0.9, weight decay 0.1, lr 0.1, nesterov; p0 = 1, grads 1, 2
    // t1: g = 1 + 0.1*1 = 1.1; buf = 1.1; d = 1.1 + 0.9*1.1 = 2.09;                p = 1 - 0.209 = 0.791
    // t2: g = 2 + 0.1*0.791 = 2.0791; buf = 0.9*1.1 + 2.0791 = 3.0691;
    //     d = 2.0791 + 0.9*3.0691 = 4.84129;                                       p = 0.791 - 0.484129
    float[] p = run(new Sgd(0.1f, 0.9f, 0f, 0.1f, true), new float[] {1f}, new float[][] {{1f}, {2f}});
    assertClose(p, new double[] {0.791 - 0.484129});
  }

  @Test
  void sgdAgreesWithTheDoubleRestatementOverManySteps() {
    float[][] grads = randomGrads(7, 5, 3);
    float[] p0 = {0.3f, -1.2f, 2f};
    for (Sgd spec : new Sgd[] {new Sgd(0.05f, 0.8f, 0.3f, 0.01f, false), new Sgd(0.05f, 0.8f, 0f, 0.02f, true),
        Sgd.withMomentum(0.02f, 0.9f)}) {
      assertClose(run(spec, p0, grads), Reference.sgd(spec, p0, grads));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Adam, AdamW

  @Test
  void adamFirstStepMovesEachParameterByLrTimesTheSignOfItsGradient() {
    // t1: m = 0.1 g, v = 0.001 g^2; m / (1 - 0.9) = g; sqrt(v) / sqrt(1 - 0.999) = |g|
    //     p -= 0.1 * g / (|g| + 1e-8)
    float[] p = run(Adam.of(0.1f), new float[] {1f, -2f}, new float[][] {{0.5f, -1f}});
    assertClose(p, new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)});
  }

  @Test
  void adamThreeStepsOnTwoElements() {
    float[] p0 = {1f, -2f};
    float[][] g = {{0.5f, -1f}, {0.2f, 0.4f}, {-0.3f, 0.1f}};
    // by hand, element 0: lr 0.1, betas 0.9/0.999, eps 1e-8
    double m = 0, v = 0, p = 1;
    double[] g0 = {0.5, 0.2, -0.3};
    for (int t = 1; t <= 3; t++) {
      m = 0.9 * m + 0.1 * g0[t - 1];
      v = 0.999 * v + 0.001 * g0[t - 1] * g0[t - 1];
      p -= 0.1 / (1 - Math.pow(0.9, t)) * m / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
    }
    float[] got = run(Adam.of(0.1f), p0, g);
    assertThat((double) got[0]).isCloseTo(p, within(TOL));
    assertClose(got, Reference.adam(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, false, p0, g));
  }

  @Test
  void adamEpsIsAddedAfterTheBiasCorrection() {
    // A large eps makes the two placements differ: t1 with g = 1e-3, eps 1e-3, lr 1:
    // PyTorch: sqrt(v)/sqrt(1-b2) = |g| = 1e-3 -> p -= 1e-3 / (1e-3 + 1e-3) = 0.5
    // paper  : sqrt(v) + eps = 3.16e-5 + 1e-3, over bias correction -> a different step
    float[] p = run(new Adam(1f, 0.9f, 0.999f, 1e-3f, 0f, false), new float[] {0f}, new float[][] {{1e-3f}});
    assertClose(p, new double[] {-0.5});
  }

  @Test
  void adamWeightDecayGoesIntoTheGradientAdamWDecaysTheParameterFirst() {
    // Adam, lr 0.1, wd 0.5, p0 2, g -0.5: g' = -0.5 + 0.5*2 = 0.5 -> p = 2 - 0.1 = 1.9
    assertClose(run(new Adam(0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, false), new float[] {2f},
        new float[][] {{-0.5f}}), new double[] {2 - 0.1 * 0.5 / (0.5 + 1e-8)});
    // AdamW, lr 0.1, wd 0.1, p0 1, g 0.5: p = 1 * (1 - 0.01) = 0.99, then -0.1 -> 0.89
    assertClose(run(new AdamW(0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, false), new float[] {1f},
        new float[][] {{0.5f}}), new double[] {0.99 - 0.1 * 0.5 / (0.5 + 1e-8)});
  }

  @Test
  void adamAndAdamWAgreeWithTheDoubleRestatement() {
    float[][] grads = randomGrads(11, 6, 4);
    float[] p0 = {0.5f, -0.25f, 1.5f, -3f};
    // decreasing gradients make AMSGrad's running maximum differ from v
    float[][] shrinking = new float[6][4];
    for (int t = 0; t < 6; t++) {
      for (int j = 0; j < 4; j++) {
        shrinking[t][j] = grads[t][j] / (1 + 3 * t);
      }
    }
    Adam[] adams = {Adam.of(0.01f), new Adam(0.02f, 0.8f, 0.99f, 1e-6f, 0.05f, false),
        new Adam(0.02f, 0.8f, 0.99f, 1e-6f, 0f, true)};
    for (Adam a : adams) {
      assertClose(run(a, p0, shrinking), Reference.adam(a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay(),
          a.amsgrad(), false, p0, shrinking));
    }
    AdamW w = new AdamW(0.02f, 0.85f, 0.995f, 1e-7f, 0.1f, true);
    assertClose(run(w, p0, shrinking), Reference.adam(w.lr(), w.beta1(), w.beta2(), w.eps(), w.weightDecay(),
        w.amsgrad(), true, p0, shrinking));
    // AMSGrad really changes the result here
    assertThat(run(new Adam(0.02f, 0.8f, 0.99f, 1e-6f, 0f, true), p0, shrinking))
        .isNotEqualTo(run(new Adam(0.02f, 0.8f, 0.99f, 1e-6f, 0f, false), p0, shrinking));
  }

  // ---------------------------------------------------------------------------------------------
  // RMSprop

  @Test
  void rmsPropCenteredWithMomentum() {
    // lr 0.01, alpha 0.9, eps 0, momentum 0.5, centered; p0 = 1, g1 = 1, g2 = -1
    // t1: sq = 0.1, ga = 0.1, avg = sqrt(0.1 - 0.01) = 0.3, buf = 1/0.3, p = 1 - 0.01/0.3
    // t2: sq = 0.09 + 0.1 = 0.19, ga = 0.09 - 0.1 = -0.01, avg = sqrt(0.19 - 0.0001),
    //     buf = 0.5/0.3 - 1/avg, p -= 0.01 * buf
    RmsProp spec = new RmsProp(0.01f, 0.9f, 0f, 0f, 0.5f, true);
    float[] p1 = run(spec, new float[] {1f}, new float[][] {{1f}});
    assertClose(p1, new double[] {1 - 0.01 / 0.3});
    float[] p2 = run(spec, new float[] {1f}, new float[][] {{1f}, {-1f}});
    double buf2 = 0.5 / 0.3 - 1 / Math.sqrt(0.19 - 0.0001);
    assertClose(p2, new double[] {1 - 0.01 / 0.3 - 0.01 * buf2});
  }

  @Test
  void rmsPropPlainFirstStep() {
    // defaults alpha 0.99, eps 1e-8: sq = 0.01 g^2, p -= lr g / (0.1 |g| + 1e-8)
    float[] p = run(RmsProp.of(0.01f), new float[] {1f}, new float[][] {{2f}});
    assertClose(p, new double[] {1 - 0.01 * 2 / (0.2 + 1e-8)});
  }

  @Test
  void rmsPropAgreesWithTheDoubleRestatement() {
    float[][] grads = randomGrads(13, 6, 3);
    float[] p0 = {0.1f, -0.7f, 1.1f};
    for (RmsProp r : new RmsProp[] {RmsProp.of(0.01f), new RmsProp(0.01f, 0.9f, 1e-6f, 0.1f, 0.7f, true),
        new RmsProp(0.005f, 0.95f, 1e-8f, 0f, 0f, true), new RmsProp(0.005f, 0.95f, 1e-8f, 0.2f, 0.3f, false)}) {
      assertClose(run(r, p0, grads), Reference.rmsProp(r, p0, grads));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Adagrad

  @Test
  void adagradWithLrDecayAndInitialAccumulator() {
    // lr 0.1, lr_decay 0.5, initial accumulator 0.1, eps 1e-10; p0 = 1, grads 1, 2
    // t1: clr = 0.1,             sum = 0.1 + 1 = 1.1, p = 1 - 0.1 * 1 / sqrt(1.1)
    // t2: clr = 0.1 / (1 + 0.5), sum = 1.1 + 4 = 5.1, p -= clr * 2 / sqrt(5.1)
    float[] p = run(new Adagrad(0.1f, 0.5f, 0f, 0.1f, 1e-10f), new float[] {1f}, new float[][] {{1f}, {2f}});
    assertClose(p, new double[] {1 - 0.1 / Math.sqrt(1.1) - 0.1 / 1.5 * 2 / Math.sqrt(5.1)});
  }

  @Test
  void adagradAgreesWithTheDoubleRestatement() {
    float[][] grads = randomGrads(17, 6, 3);
    float[] p0 = {0.4f, -0.3f, 2.2f};
    for (Adagrad a : new Adagrad[] {Adagrad.of(0.05f), new Adagrad(0.05f, 0.1f, 0.05f, 0.5f, 1e-6f)}) {
      assertClose(run(a, p0, grads), Reference.adagrad(a, p0, grads));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Defaults and validation

  @Test
  void factoriesCarryPyTorchDefaults() {
    assertThat(Adam.defaults()).isEqualTo(new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false));
    assertThat(Adam.withLr(0.01f)).isEqualTo(Adam.of(0.01f));
    assertThat(AdamW.defaults()).isEqualTo(new AdamW(1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false));
    assertThat(Sgd.of(0.1f)).isEqualTo(new Sgd(0.1f, 0f, 0f, 0f, false));
    assertThat(RmsProp.defaults()).isEqualTo(new RmsProp(1e-2f, 0.99f, 1e-8f, 0f, 0f, false));
    assertThat(Adagrad.defaults()).isEqualTo(new Adagrad(1e-2f, 0f, 0f, 0f, 1e-10f));
  }

  @Test
  void invalidHyperParametersNameOptimizerFieldExpectedAndReceived() {
    assertThatThrownBy(() -> new Adam(1e-3f, 1f, 0.999f, 1e-8f, 0f, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Adam: expected beta1 in [0, 1), got 1.0");
    assertThatThrownBy(() -> Adam.of(0f)).hasMessage("Adam: expected lr > 0 (finite), got 0.0");
    assertThatThrownBy(() -> new AdamW(1e-3f, 0.9f, -0.1f, 1e-8f, 0f, false))
        .hasMessage("AdamW: expected beta2 in [0, 1), got -0.1");
    assertThatThrownBy(() -> Sgd.of(Float.NaN)).hasMessage("SGD: expected lr > 0 (finite), got NaN");
    assertThatThrownBy(() -> new Sgd(0.1f, -0.5f, 0f, 0f, false))
        .hasMessage("SGD: expected momentum >= 0 (finite), got -0.5");
    assertThatThrownBy(() -> new Sgd(0.1f, 0.9f, 0.5f, 0f, true))
        .hasMessageContaining("SGD: expected momentum > 0 and dampening 0 with nesterov")
        .hasMessageContaining("dampening 0.5");
    assertThatThrownBy(() -> new Sgd(0.1f, 0f, 0f, 0f, true)).hasMessageContaining("got momentum 0.0");
    assertThatThrownBy(() -> new RmsProp(0.01f, 1.5f, 1e-8f, 0f, 0f, false))
        .hasMessage("RMSprop: expected alpha in [0, 1], got 1.5");
    assertThatThrownBy(() -> new RmsProp(0.01f, 0.99f, -1e-8f, 0f, 0f, false))
        .hasMessage("RMSprop: expected eps >= 0 (finite), got -1.0E-8");
    assertThatThrownBy(() -> new Adagrad(0.01f, -1f, 0f, 0f, 1e-10f))
        .hasMessage("Adagrad: expected lrDecay >= 0 (finite), got -1.0");
    assertThatThrownBy(() -> new Adagrad(0.01f, 0f, Float.POSITIVE_INFINITY, 0f, 1e-10f))
        .hasMessage("Adagrad: expected weightDecay >= 0 (finite), got Infinity");
  }

  @Test
  void stepRefusesArraysOfTheWrongSize() {
    Optimizer o = Adam.defaults().create(3);
    assertThatThrownBy(() -> o.step(new float[3], new float[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Adam: expected params and grads of 3 values (the parameterCount given to create),"
            + " got 3 and 2");
    assertThatThrownBy(() -> Sgd.of(0.1f).create(-1)).hasMessage("SGD: expected parameterCount >= 0, got -1");
    assertThatThrownBy(() -> RmsProp.defaults().create(2).step(null, new float[2]))
        .hasMessageContaining("RMSprop: expected params and grads arrays");
  }

  // ---------------------------------------------------------------------------------------------

  static float[][] randomGrads(long seed, int steps, int n) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[][] g = new float[steps][n];
    for (float[] row : g) {
      for (int j = 0; j < n; j++) {
        row[j] = (float) r.nextDouble(-2, 2);
      }
    }
    return g;
  }

  /**
   * The update rules of TRAINING-FORMAT.md ("Optimizer updates"), re-stated in double precision with
   * the hyper-parameters taken as the decimals they were written as. Deliberately naive.
   */
  static final class Reference {
    static double d(float f) {
      return Double.parseDouble(Float.toString(f));
    }

    static double[] widen(float[] a) {
      double[] o = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        o[i] = a[i];
      }
      return o;
    }

    static double[] sgd(Sgd s, float[] p0, float[][] grads) {
      double[] p = widen(p0);
      double[] buf = new double[p.length];
      for (int t = 1; t <= grads.length; t++) {
        for (int i = 0; i < p.length; i++) {
          double g = grads[t - 1][i] + d(s.weightDecay()) * p[i];
          if (s.momentum() != 0) {
            buf[i] = t == 1 ? g : d(s.momentum()) * buf[i] + (1 - d(s.dampening())) * g;
            g = s.nesterov() ? g + d(s.momentum()) * buf[i] : buf[i];
          }
          p[i] -= d(s.lr()) * g;
        }
      }
      return p;
    }

    static double[] adam(float lrF, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad,
        boolean decoupled, float[] p0, float[][] grads) {
      double[] p = widen(p0);
      double[] m = new double[p.length];
      double[] v = new double[p.length];
      double[] vMax = new double[p.length];
      double lr = d(lrF);
      double b1 = d(beta1);
      double b2 = d(beta2);
      double wd = d(weightDecay);
      for (int t = 1; t <= grads.length; t++) {
        for (int i = 0; i < p.length; i++) {
          double g = grads[t - 1][i];
          if (decoupled) {
            p[i] *= 1 - lr * wd;
          } else {
            g += wd * p[i];
          }
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          vMax[i] = Math.max(vMax[i], v[i]);
          double vh = amsgrad ? vMax[i] : v[i];
          p[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / (Math.sqrt(vh) / Math.sqrt(1 - Math.pow(b2, t)) + d(eps));
        }
      }
      return p;
    }

    static double[] rmsProp(RmsProp s, float[] p0, float[][] grads) {
      double[] p = widen(p0);
      double[] sq = new double[p.length];
      double[] ga = new double[p.length];
      double[] buf = new double[p.length];
      double a = d(s.alpha());
      for (float[] gr : grads) {
        for (int i = 0; i < p.length; i++) {
          double g = gr[i] + d(s.weightDecay()) * p[i];
          sq[i] = a * sq[i] + (1 - a) * g * g;
          double avg;
          if (s.centered()) {
            ga[i] = a * ga[i] + (1 - a) * g;
            avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + d(s.eps());
          } else {
            avg = Math.sqrt(sq[i]) + d(s.eps());
          }
          if (s.momentum() > 0) {
            buf[i] = d(s.momentum()) * buf[i] + g / avg;
            p[i] -= d(s.lr()) * buf[i];
          } else {
            p[i] -= d(s.lr()) * g / avg;
          }
        }
      }
      return p;
    }

    static double[] adagrad(Adagrad s, float[] p0, float[][] grads) {
      double[] p = widen(p0);
      double[] sum = new double[p.length];
      java.util.Arrays.fill(sum, d(s.initialAccumulatorValue()));
      for (int t = 1; t <= grads.length; t++) {
        double clr = d(s.lr()) / (1 + (t - 1) * d(s.lrDecay()));
        for (int i = 0; i < p.length; i++) {
          double g = grads[t - 1][i] + d(s.weightDecay()) * p[i];
          sum[i] += g * g;
          p[i] -= clr * g / (Math.sqrt(sum[i]) + d(s.eps()));
        }
      }
      return p;
    }
  }
}
