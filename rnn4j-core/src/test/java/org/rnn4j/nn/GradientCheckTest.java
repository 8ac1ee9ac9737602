package org.rnn4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Tensor;

/**
 * Gradient checks of the recurrent engine: the analytic gradients of {@link Recurrent#backward} (input,
 * h0, c0 and every element of every parameter) against central differences of the engine's own
 * forward, for every cell type x {1, 2} layers x {uni, bi}directional x {full, [T, T-2, 1]} lengths,
 * plus ONNX-only variants (clip, input_forget, peepholes, other activations).
 *
 * <p>Loss {@code L = sum(output * G) + sum(hN * Gh) + sum(cN * Gc)} with random G's, summed in double.
 * Sizes: I=3, H=4, proj 2, T=4, B=3, parameters uniform in [-0.6, 0.6], inputs in [-1, 1], h0/c0 in
 * [-0.5, 0.5], all seeded.
 *
 * <p>Why this stencil. The forward runs in float32, so the loss carries rounding noise of about 1e-7
 * that a difference quotient amplifies by ~1/e. Measured on the smooth cases (worst of
 * {@code |a - n| / max(|a| + |n|, 1e-2)}): 4th-order stencil with e = 1e-2: 3.9e-3 (noise; it halves
 * as e doubles); e = 4e-2: 1.0e-3; 6th-order {@code (-f(-3e) + 9f(-2e) - 45f(-e) + 45f(e) - 9f(2e) +
 * f(3e)) / 60e} with e = 0.06: 6.6e-4; e = 0.1: 8.8e-3 (truncation). Hence the 6th-order stencil at
 * e = 0.06 and the tolerance 1e-3.
 *
 * <p>Kinks. ReLU, LeakyReLU, HardSigmoid and clip have kinks (and Elu, Softsign a jump in the second
 * derivative). Cells with them use e = 0.02, yet the stencil's window of +-0.06 still often straddles
 * a kink, and the difference quotient then mixes two slopes (probed on fine grids: the analytic value
 * is the slope of the piece that holds the point). For those cells only, an element the stencil
 * rejects (a kink, or the larger noise of the smaller e on a tiny gradient) still passes when a smaller
 * window agrees within {@link #TOL_KINK} at two adjacent scales h and h/2 (a window free of kinks
 * gives the same slope at both; a kink that bends one estimate onto a wrong value does not do so
 * twice): 4th-order central stencils with h from 0.03 down to 0.001, or one-sided second-order
 * differences {@code (3f(0) - 4f(-h) + f(-2h)) / 2h} and mirror with h from 0.09 down. Smooth cells
 * get no second chance. The tampering tests show that a wrong analytic value is caught on both
 * paths.
 *
 * <p>Measured (this file's seeds): 25452 elements in 78 cases; worst relative error 6.6e-4 on smooth
 * cells; the fallback accepts 1417 of the 6832 elements of non-smooth cells (21%), the others pass
 * the 1e-3 stencil check.
 */
class GradientCheckTest {

  static final int I = 3;
  static final int H = 4;
  static final int PROJ = 2;
  static final int T = 4;
  static final int B = 3;

  /** Step of the 6th-order stencil (see the class comment for the measurements behind it). */
  static final double EPS = 0.06;
  /** Its step for cells with kinks: a narrower window (+-0.06) straddles fewer of them. */
  static final double EPS_KINKED = 0.02;
  static final double TOL = 1e-3;
  static final double FLOOR = 1e-2;
  /**
   * Tolerance of the smaller windows of the kink fallback, whose rounding noise is up to ~20x that of
   * the main stencil (about a 2% difference; a 5% error is still caught, see the tampering tests).
   */
  static final double TOL_KINK = 1e-2;

  private static final List<String> CASES_RUN = new ArrayList<>();
  private static double worstStrict;
  private static String worstStrictAt = "";
  private static double worstSmooth;
  private static String worstSmoothAt = "";
  private static double worstKink;
  private static String worstKinkAt = "";
  private static long elements;
  private static long kinkElements;
  private static long nonSmoothElements;

  // ------------------------------------------------------------------------------------------------
  // The cases

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    String[] kinds = {"RNN_TANH", "RNN_RELU", "LSTM", "LSTM proj", "LSTM peepholes", "GRU resetAfter",
        "GRU resetBefore"};
    long seed = 100;
    for (String kind : kinds) {
      for (int layers = 1; layers <= 2; layers++) {
        for (boolean bi : new boolean[] {false, true}) {
          RecurrentSpec.Builder b;
          switch (kind) {
            case "RNN_TANH": b = RecurrentSpec.builder(CellType.RNN_TANH, I, H); break;
            case "RNN_RELU": b = RecurrentSpec.builder(CellType.RNN_RELU, I, H); break;
            case "LSTM": b = RecurrentSpec.builder(CellType.LSTM, I, H); break;
            case "LSTM proj": b = RecurrentSpec.builder(CellType.LSTM, I, H).projSize(PROJ); break;
            case "LSTM peepholes": b = RecurrentSpec.builder(CellType.LSTM, I, H).peepholes(true); break;
            case "GRU resetAfter": b = RecurrentSpec.builder(CellType.GRU, I, H).resetAfter(true); break;
            default: b = RecurrentSpec.builder(CellType.GRU, I, H).resetAfter(false); break;
          }
          RecurrentSpec spec = b.numLayers(layers).bidirectional(bi).build();
          for (boolean lengths : new boolean[] {false, true}) {
            String name = String.format("%s, %d layer%s, %s, %s", kind, layers, layers > 1 ? "s" : "",
                bi ? "bidirectional" : "unidirectional", lengths ? "lengths [4, 2, 1]" : "full length");
            out.add(Arguments.of(name, spec, lengths, seed++));
          }
        }
      }
    }
    return out.stream();
  }

  private static Activation act(String onnxName) {
    return Activation.of(onnxName);
  }

  private static RecurrentSpec.Builder clippedLstm() {
    return RecurrentSpec.builder(CellType.LSTM, I, H).numLayers(2).bidirectional(true).clip(0.8f);
  }

  static Stream<Arguments> onnxVariants() {
    List<Object[]> v = new ArrayList<>();
    // clip 0.8 here: at 0.5 about half of this stack's pre-activations clip, and a bias element (which
    // moves all T*B pre-activations of its gate at once) can sit on a smooth piece only 0.003 wide,
    // narrower than float32 noise lets a difference quotient resolve. Probed on a fine grid: the
    // analytic values were the slopes of those pieces. The one-layer cells below keep clip 0.5 - 0.7.
    v.add(new Object[] {"LSTM clip 0.8, 2 layers, bidirectional", clippedLstm()});
    v.add(new Object[] {"LSTM inputForget + peepholes, bidirectional",
        RecurrentSpec.builder(CellType.LSTM, I, H).bidirectional(true).inputForget(true).peepholes(true)});
    v.add(new Object[] {"LSTM [HardSigmoid, Elu, Softsign], 2 layers",
        RecurrentSpec.builder(CellType.LSTM, I, H).numLayers(2)
            .activations(List.of(act("HardSigmoid"), act("Elu"), act("Softsign")))});
    v.add(new Object[] {"LSTM per-direction activations, peepholes, clip 0.7, bidirectional",
        RecurrentSpec.builder(CellType.LSTM, I, H).bidirectional(true).peepholes(true).clip(0.7f)
            .activations(List.of(act("Sigmoid"), act("Tanh"), act("Tanh"), act("HardSigmoid"), act("Softsign"),
                act("Elu")))});
    v.add(new Object[] {"LSTM proj, clip 0.6, [HardSigmoid, Softsign, Tanh], bidirectional",
        RecurrentSpec.builder(CellType.LSTM, I, H).bidirectional(true).projSize(PROJ).clip(0.6f)
            .activations(List.of(act("HardSigmoid"), act("Softsign"), act("Tanh")))});
    v.add(new Object[] {"GRU resetBefore, [HardSigmoid, Softsign], clip 0.5, bidirectional",
        RecurrentSpec.builder(CellType.GRU, I, H).resetAfter(false).bidirectional(true).clip(0.5f)
            .activations(List.of(act("HardSigmoid"), act("Softsign")))});
    v.add(new Object[] {"GRU resetAfter, [Sigmoid, Elu], clip 0.5, 2 layers",
        RecurrentSpec.builder(CellType.GRU, I, H).numLayers(2).clip(0.5f)
            .activations(List.of(act("Sigmoid"), act("Elu")))});
    v.add(new Object[] {"GRU resetAfter, [ScaledTanh, Softplus], bidirectional",
        RecurrentSpec.builder(CellType.GRU, I, H).bidirectional(true)
            .activations(List.of(new Activation(Activation.Kind.SCALED_TANH, 0.9f, 1.1f), act("Softplus")))});
    v.add(new Object[] {"RNN [Softsign], clip 0.5, bidirectional",
        RecurrentSpec.builder(CellType.RNN_TANH, I, H).bidirectional(true).clip(0.5f)
            .activations(List.of(act("Softsign")))});
    v.add(new Object[] {"RNN [LeakyRelu 0.1], 2 layers",
        RecurrentSpec.builder(CellType.RNN_RELU, I, H).numLayers(2)
            .activations(List.of(new Activation(Activation.Kind.LEAKY_RELU, 0.1f, 0f)))});
    v.add(new Object[] {"RNN per-direction [Affine, ScaledTanh], bidirectional",
        RecurrentSpec.builder(CellType.RNN_TANH, I, H).bidirectional(true)
            .activations(List.of(new Activation(Activation.Kind.AFFINE, 0.8f, 0.1f),
                new Activation(Activation.Kind.SCALED_TANH, 1.2f, 0.7f)))});
    List<Arguments> out = new ArrayList<>();
    long seed = 500;
    for (Object[] c : v) {
      RecurrentSpec spec = ((RecurrentSpec.Builder) c[1]).build();
      for (boolean lengths : new boolean[] {false, true}) {
        out.add(Arguments.of(c[0] + (lengths ? ", lengths [4, 2, 1]" : ", full length"), spec, lengths, seed++));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void everyCellLayoutAndLengthMatchesCentralDifferences(String name, RecurrentSpec spec, boolean lengths,
      long seed) {
    assertPasses(name, new Problem(spec, lengths, seed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("onnxVariants")
  void onnxVariantsMatchCentralDifferences(String name, RecurrentSpec spec, boolean lengths, long seed) {
    assertPasses(name, new Problem(spec, lengths, seed));
  }

  @Test
  void theClipVariantReallyClips() {
    // Same parameters and inputs with and without the clip: the outputs must differ.
    Problem p = new Problem(clippedLstm().build(), false, 500);
    Recurrent free = new Recurrent(clippedLstm().clip(null).build(), 1);
    System.arraycopy(p.net.parameterValues(), 0, free.parameterValues(), 0, free.parameterCount());
    float[] clipped = p.net.forward(p.x, p.h0, p.c0, null, false).output().data();
    float[] unclipped = free.forward(p.x, p.h0, p.c0, null, false).output().data();
    int differ = 0;
    for (int i = 0; i < clipped.length; i++) {
      differ += clipped[i] != unclipped[i] ? 1 : 0;
    }
    assertThat(differ).as("outputs changed by the clip").isGreaterThan(clipped.length / 2);
  }

  /** The check can fail: a 1% error in one analytic value of a smooth cell is reported, and only it. */
  @Test
  void aTamperedGradientIsCaughtInASmoothCell() {
    Problem p = new Problem(RecurrentSpec.builder(CellType.LSTM, I, H).numLayers(2).bidirectional(true).build(),
        true, 7);
    assertTampersAreCaught(p, 1.01, 10);
  }

  /** ... and a 5% error in a ReLU cell, where the kink fallback must not excuse it. */
  @Test
  void aTamperedGradientIsCaughtInAKinkedCell() {
    Problem p = new Problem(RecurrentSpec.builder(CellType.RNN_RELU, I, H).numLayers(2).bidirectional(true).build(),
        false, 8);
    assertThat(check(p, -1, 1.0).kinks).as("this case exercises the kink fallback").isGreaterThan(0);
    assertTampersAreCaught(p, 1.05, 20);
  }

  /**
   * The untouched check passes; then, one at a time, {@code count} parameter gradients spread over
   * the buffer (with |g| >= 0.05: a relative error of a near-zero gradient is below any tolerance)
   * are multiplied by {@code factor}, and each time exactly that element must be reported.
   */
  private static void assertTampersAreCaught(Problem p, double factor, int count) {
    assertThat(check(p, -1, 1.0).failed).isEmpty();
    float[] g = analyticParams(p);
    List<String> escaped = new ArrayList<>();
    int tried = 0;
    for (int target = 0; target < g.length && tried < count; target += 7) {
      if (Math.abs(g[target]) < 0.05) {
        continue;
      }
      tried++;
      Report r = check(p, target, factor);
      if (r.failed.size() != 1 || !r.failed.get(0).startsWith(parameterAt(p.net, target))) {
        escaped.add(parameterAt(p.net, target) + " times " + factor + ": reported " + r.failed);
      }
    }
    assertThat(tried).isEqualTo(count);
    assertThat(escaped).as("tampered gradients not reported (out of %d)", tried).isEmpty();
  }

  @AfterAll
  static void summary() {
    if (elements > 0) {
      System.out.printf(Locale.ROOT, "GradientCheckTest: %d elements in %d cases; worst relative error:"
          + " smooth cells %.2e (%s), any cell %.2e (%s); kink fallback used for %d of %d elements of non-smooth"
          + " cells, worst %.2e (%s)%n", elements, CASES_RUN.size(), worstSmooth, worstSmoothAt, worstStrict,
          worstStrictAt, kinkElements, nonSmoothElements, worstKink, worstKinkAt);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // The check

  /** One network with its inputs, initial states, lengths and upstream gradients. */
  static final class Problem {
    final RecurrentSpec spec;
    final Recurrent net;
    final Tensor x; // [T, B, I]
    final Tensor h0; // [L*D, B, P]
    final Tensor c0; // [L*D, B, H] (LSTM) or null
    final int[] lengths;
    final Tensor g; // [T, B, D*P]
    final Tensor gh; // [L*D, B, P]
    final Tensor gc; // [L*D, B, H] or null
    final boolean smooth;

    Problem(RecurrentSpec spec, boolean withLengths, long seed) {
      this.spec = spec;
      SplittableRandom r = new SplittableRandom(seed);
      net = new Recurrent(spec, seed);
      float[] p = net.parameterValues();
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) r.nextDouble(-0.6, 0.6);
      }
      int ld = spec.numLayers() * spec.numDirections();
      int ph = spec.outputHiddenSize();
      boolean lstm = spec.cell() == CellType.LSTM;
      x = random(r, 1.0, T, B, I);
      h0 = random(r, 0.5, ld, B, ph);
      c0 = lstm ? random(r, 0.5, ld, B, H) : null;
      lengths = withLengths ? new int[] {T, T - 2, 1} : null;
      g = random(r, 1.0, T, B, spec.outputSize());
      gh = random(r, 1.0, ld, B, ph);
      gc = lstm ? random(r, 1.0, ld, B, H) : null;
      smooth = isSmooth(spec);
    }

    private static boolean isSmooth(RecurrentSpec spec) {
      if (spec.clip() != null) {
        return false;
      }
      for (int d = 0; d < spec.numDirections(); d++) {
        for (Activation a : spec.activationsFor(d)) {
          switch (a.kind()) {
            case TANH: case SIGMOID: case AFFINE: case SCALED_TANH: case SOFTPLUS:
              break;
            default:
              return false; // kinks (Relu, LeakyRelu, HardSigmoid, ...) or a jump in f'' (Elu, Softsign)
          }
        }
      }
      return true;
    }

    private static Tensor random(SplittableRandom r, double bound, int... shape) {
      Tensor t = Tensor.zeros(shape);
      for (int i = 0; i < t.size(); i++) {
        t.data()[i] = (float) r.nextDouble(-bound, bound);
      }
      return t;
    }

    /** The loss at the current values of x, h0, c0 and the parameters (inference forward). */
    double loss() {
      Recurrent.Output o = net.forward(x, h0, c0, lengths, false);
      double s = dot(o.output().data(), g.data()) + dot(o.hN().data(), gh.data());
      if (gc != null) {
        s += dot(o.cN().data(), gc.data());
      }
      return s;
    }

    private static double dot(float[] a, float[] b) {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += (double) a[i] * b[i];
      }
      return s;
    }

    /** The loss with {@code v[i]} moved by {@code d} (then restored). */
    double lossAt(float[] v, int i, double d) {
      float keep = v[i];
      v[i] = (float) (keep + d);
      double f = loss();
      v[i] = keep;
      return f;
    }
  }

  /** What a check found. */
  static final class Report {
    final List<String> failed = new ArrayList<>();
    double worstStrict;
    String worstStrictAt = "";
    double worstKink;
    String worstKinkAt = "";
    int checked;
    int kinks;
  }

  static double relError(double a, double b) {
    return Math.abs(a - b) / Math.max(Math.abs(a) + Math.abs(b), FLOOR);
  }

  private static float[] analyticParams(Problem p) {
    runBackward(p);
    return p.net.parameterGradients().clone();
  }

  private static Recurrent.InputGradients runBackward(Problem p) {
    p.net.zeroGradients();
    p.net.forward(p.x, p.h0, p.c0, p.lengths, true);
    return p.net.backward(p.g, p.gh, p.gc);
  }

  private static String parameterAt(Recurrent net, int flat) {
    int off = 0;
    for (String name : net.parameterNames()) {
      int size = net.parameter(name).length;
      if (flat < off + size) {
        return name + "[" + (flat - off) + "]";
      }
      off += size;
    }
    throw new IllegalArgumentException("no parameter at " + flat);
  }

  /**
   * Checks every element of input, h0, c0 and the parameters. {@code tamper >= 0} multiplies the
   * analytic gradient of that flat parameter index by {@code factor} first (to prove the check fails).
   */
  static Report check(Problem p, int tamper, double factor) {
    Recurrent.InputGradients ig = runBackward(p);
    float[] dParams = p.net.parameterGradients().clone();
    if (tamper >= 0) {
      dParams[tamper] *= (float) factor;
    }
    Report rep = new Report();
    double f0 = p.loss();
    checkArray(p, f0, "input", p.x.data(), 0, p.x.size(), ig.input().data(), rep);
    checkArray(p, f0, "h0", p.h0.data(), 0, p.h0.size(), ig.h0().data(), rep);
    if (p.c0 != null) {
      checkArray(p, f0, "c0", p.c0.data(), 0, p.c0.size(), ig.c0().data(), rep);
    }
    int off = 0;
    float[] values = p.net.parameterValues();
    for (String name : p.net.parameterNames()) {
      int size = p.net.parameter(name).length;
      float[] slice = Arrays.copyOfRange(dParams, off, off + size);
      checkArray(p, f0, name, values, off, size, slice, rep);
      off += size;
    }
    return rep;
  }

  private static void checkArray(Problem p, double f0, String name, float[] v, int off, int n, float[] analytic,
      Report rep) {
    for (int k = 0; k < n; k++) {
      int i = off + k;
      double a = analytic[k];
      double num = sixthOrder(p, v, i, p.smooth ? EPS : EPS_KINKED);
      double rel = relError(a, num);
      rep.checked++;
      String where = String.format(Locale.ROOT, "%s[%d]: analytic %.7g, numeric %.7g", name, k, a, num);
      if (rel <= TOL) {
        if (rel > rep.worstStrict) {
          rep.worstStrict = rel;
          rep.worstStrictAt = where;
        }
        continue;
      }
      if (!p.smooth) {
        double[] kink = kinkFree(p, f0, v, i, a);
        if (kink != null) {
          rep.kinks++;
          if (kink[0] > rep.worstKink) {
            rep.worstKink = kink[0];
            rep.worstKinkAt = where + String.format(Locale.ROOT, ", smaller windows %.7g (h %.3g), %.7g (h %.3g)",
                kink[1], kink[2], kink[3], 2 * kink[2]);
          }
          continue;
        }
      }
      rep.failed.add(where + String.format(Locale.ROOT, ", relative error %.3g", rel));
    }
  }

  /** {@code (-f(-3e) + 9f(-2e) - 45f(-e) + 45f(e) - 9f(2e) + f(3e)) / 60e}. */
  private static double sixthOrder(Problem p, float[] v, int i, double e) {
    return (-p.lossAt(v, i, -3 * e) + 9 * p.lossAt(v, i, -2 * e) - 45 * p.lossAt(v, i, -e)
        + 45 * p.lossAt(v, i, e) - 9 * p.lossAt(v, i, 2 * e) + p.lossAt(v, i, 3 * e)) / (60 * e);
  }

  /**
   * For non-smooth cells: a smaller-window estimate that agrees with {@code a} within TOL_KINK, as does
   * the same estimator at twice the step, returned as {worse relative error, estimate, h, estimate at
   * 2h}; or null. See the class comment.
   */
  private static double[] kinkFree(Problem p, double f0, float[] v, int i, double a) {
    double prev = Double.NaN;
    for (double h = EPS / 2; h >= EPS / 64; h /= 2) {
      double c = (p.lossAt(v, i, -2 * h) - 8 * p.lossAt(v, i, -h) + 8 * p.lossAt(v, i, h)
          - p.lossAt(v, i, 2 * h)) / (12 * h);
      if (relError(a, c) <= TOL_KINK && relError(a, prev) <= TOL_KINK) {
        return new double[] {Math.max(relError(a, c), relError(a, prev)), c, h, prev};
      }
      prev = c;
    }
    double prevLeft = Double.NaN;
    double prevRight = Double.NaN;
    for (double h = 1.5 * EPS; h >= EPS / 64; h /= 2) {
      double left = (3 * f0 - 4 * p.lossAt(v, i, -h) + p.lossAt(v, i, -2 * h)) / (2 * h);
      double right = (-3 * f0 + 4 * p.lossAt(v, i, h) - p.lossAt(v, i, 2 * h)) / (2 * h);
      if (relError(a, left) <= TOL_KINK && relError(a, prevLeft) <= TOL_KINK) {
        return new double[] {Math.max(relError(a, left), relError(a, prevLeft)), left, h, prevLeft};
      }
      if (relError(a, right) <= TOL_KINK && relError(a, prevRight) <= TOL_KINK) {
        return new double[] {Math.max(relError(a, right), relError(a, prevRight)), right, h, prevRight};
      }
      prevLeft = left;
      prevRight = right;
    }
    return null;
  }

  private static synchronized void assertPasses(String name, Problem p) {
    Report r = check(p, -1, 1.0);
    CASES_RUN.add(name);
    elements += r.checked;
    kinkElements += r.kinks;
    nonSmoothElements += p.smooth ? 0 : r.checked;
    if (r.worstStrict > worstStrict) {
      worstStrict = r.worstStrict;
      worstStrictAt = name + ": " + r.worstStrictAt;
    }
    if (p.smooth && r.worstStrict > worstSmooth) {
      worstSmooth = r.worstStrict;
      worstSmoothAt = name + ": " + r.worstStrictAt;
    }
    if (r.worstKink > worstKink) {
      worstKink = r.worstKink;
      worstKinkAt = name + ": " + r.worstKinkAt;
    }
    assertThat(r.failed).as("%s: %d of %d elements disagree (worst passing: %s)", name, r.failed.size(),
        r.checked, r.worstStrictAt).isEmpty();
    if (p.smooth) {
      assertThat(r.kinks).isZero();
    }
  }
}
