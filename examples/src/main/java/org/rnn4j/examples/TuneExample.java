package org.rnn4j.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.Pruner;
import org.rnn4j.tune.Sampler;
import org.rnn4j.tune.SearchSpace;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.Trial;

/**
 * A hyperparameter search around your own training loop: TPE sampling, ASHA pruning, a journal that
 * a killed search resumes from. {@code TuneExample [journal.jsonl]} tunes a small recurrent network
 * on a synthetic task (the mean of a noisy sequence), 20 trials, 2 at a time.
 */
public final class TuneExample {
  private TuneExample() {
  }

  public static void main(String[] args) throws Exception {
    Dataset train = task(512, 1);
    Dataset validation = task(128, 2);
    SearchSpace space = SearchSpace.of(Param.choice("cell", "lstm", "gru"), Param.logInteger("hidden", 4, 64),
        Param.logReal("lr", 1e-4, 3e-2));
    Path journal = Path.of(args.length > 0 ? args[0] : "tune-example.jsonl");
    Study study = Study.open(journal, space, Sampler.tpe(), Pruner.asha(1, 4, 30), 42);
    study.optimize(trial -> {
      Model m = Sequential.features(2).recurrent(CellType.parse(trial.choice("cell")), trial.integer("hidden"), r -> r)
          .dense(1).loss(Loss.MSE).build(trial.number());
      boolean[] stop = {false};
      History h = Trainer.fit(m, train, validation, FitOptions.builder().epochs(30).batchSize(32)
          .optimizer(Adam.of((float) trial.real("lr"))).restoreBest(true).build(), new TrainingListener() {
            @Override
            public void epochFinished(History.Epoch e) {
              stop[0] = trial.report(e.epoch(), e.validationLoss()); // ASHA's verdict at its rungs
            }

            @Override
            public boolean stopRequested() {
              return stop[0];
            }
          });
      if (stop[0]) {
        throw new Trial.Pruned(h.epochs().size());
      }
      return m.evaluateLoss(validation, 128);
    }, 20, Duration.ofMinutes(5), 2, t -> System.out.println(t.number() + " " + t.state() + " " + t.value()
        + " " + t.params()));
    study.close();
    System.out.println("best: " + study.best().orElseThrow());
  }

  /** Inputs [n, 6, 2]; the target is the mean of the first channel. */
  static Dataset task(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(n, 6, 2);
    Tensor y = Tensor.zeros(n, 1);
    for (int i = 0; i < n; i++) {
      float s = 0;
      for (int k = 0; k < 6; k++) {
        float v = (float) r.nextDouble(-1, 1);
        x.data()[(i * 6 + k) * 2] = v;
        x.data()[(i * 6 + k) * 2 + 1] = (float) r.nextDouble(-1, 1);
        s += v;
      }
      y.data()[i] = s / 6;
    }
    return Dataset.ofFeatures(x, null, y);
  }
}
