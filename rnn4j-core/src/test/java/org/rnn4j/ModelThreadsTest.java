package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/**
 * One model shared by many threads, as a server shares it: predictions and sessions give, bit for
 * bit, what one thread gets alone; a second fit while one runs is refused. Bounded: a fixed number of
 * rounds per thread and a time limit, after which the soak stops by itself.
 */
class ModelThreadsTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 150;
  private static final long LIMIT_S = 20;

  private static Tensor features(int n, int t, int f, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * t * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    return new Tensor(x, n, t, f);
  }

  @Test
  void predictionsAndSessionsFromManyThreadsEqualTheSingleThreadedAnswers() throws Exception {
    Model model = Sequential.features(3).lstm(32, o -> o.numLayers(2)).dense(2).build(7);
    int inputs = 6;
    List<Tensor> xs = new ArrayList<>();
    List<float[]> predicted = new ArrayList<>();
    List<float[]> streamed = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      Tensor x = features(20 + 9 * i, 12 + i, 3, i);
      xs.add(x);
      predicted.add(model.predict(Dataset.ofFeatures(x, null, (Tensor) null), 8).data());
      streamed.add(stream(model, x));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    AtomicInteger answers = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_S);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int worker = w;
        runs.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(worker);
          for (int round = 0; round < ROUNDS && System.nanoTime() < deadline; round++) {
            int i = r.nextInt(inputs);
            if (r.nextBoolean()) {
              assertThat(model.predict(Dataset.ofFeatures(xs.get(i), null, (Tensor) null), 8).data())
                  .as("predict, input %d", i).isEqualTo(predicted.get(i));
            } else {
              assertThat(stream(model, xs.get(i))).as("session, input %d", i).isEqualTo(streamed.get(i));
            }
            answers.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(LIMIT_S + 10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(answers.get()).as("answers checked before the time limit").isGreaterThan(THREADS * 10);
  }

  /** The session's output after each example's last step, examples one after another: [N, U]. */
  private static float[] stream(Model model, Tensor x) {
    int n = x.shape()[0];
    int t = x.shape()[1];
    int f = x.shape()[2];
    ModelSession s = model.session();
    float[] out = new float[n * s.outputSize()];
    float[] step = new float[f];
    for (int e = 0; e < n; e++) {
      s.reset();
      float[] last = null;
      for (int k = 0; k < t; k++) {
        System.arraycopy(x.data(), (e * t + k) * f, step, 0, f);
        last = s.step(step);
      }
      System.arraycopy(last, 0, out, e * s.outputSize(), s.outputSize());
    }
    return out;
  }

  @Test
  void aSecondFitWhileOneRunsIsRefused() throws Exception {
    Model model = Sequential.features(2).gru(8).dense(1).loss(Loss.MSE).build(1);
    Tensor x = features(64, 10, 2, 3);
    Dataset data = Dataset.ofFeatures(x, null, new Tensor(features(64, 1, 1, 4).data(), 64, 1));
    FitOptions options = FitOptions.builder().epochs(1000).batchSize(8).optimizer(Adam.of(0.01f)).seed(1).build();
    CountDownLatch training = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = new Thread(() -> {
      try {
        Trainer.fit(model, data, null, FitOptions.builder().epochs(2).batchSize(8).optimizer(Adam.of(0.01f))
            .seed(1).build(), new TrainingListener() {
              @Override
              public void batchFinished(int epoch, int step, int steps, double meanLoss, double perSecond) {
                training.countDown();
                try {
                  release.await(LIMIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "first-fit");
    first.start();
    try {
      assertThat(training.await(LIMIT_S, TimeUnit.SECONDS)).isTrue();
      float[] before = model.parameterValues().clone();
      assertThatThrownBy(() -> Trainer.fit(model, data, options))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already being trained (by thread 'first-fit')");
      assertThat(model.parameterValues()).as("the refused fit changed no weight").isEqualTo(before);
    } finally {
      release.countDown();
      first.join(TimeUnit.SECONDS.toMillis(LIMIT_S));
    }
    // Once the first fit has ended, the model trains again.
    assertThat(Trainer.fit(model, data, FitOptions.builder().epochs(1).batchSize(8).optimizer(Adam.of(0.01f))
        .seed(1).build()).epochs()).hasSize(1);
  }
}
