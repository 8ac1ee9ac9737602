package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rnn4j.Model;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.nn.CellType;
import org.rnn4j.spark.DistributedDataset;
import org.rnn4j.spark.DistributedTrainer;
import org.rnn4j.spark.RoundListener;
import org.rnn4j.spark.TestSpark;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;

/**
 * The acceptance test: the forecasting model of {@code rnn4j train} (embedded Seattle data,
 * same preparation, model and optimizer settings) trained on Spark local[2] with gradient averaging
 * reaches the test MAE of single-machine training, with the same number of global updates.
 */
class ForecastParityTest {

  @Test
  void localTwoReachesTheSingleMachineTestMaeWithinFloat32Tolerance() throws Exception {
    ForecastData fd = ForecastData.prepare(CsvSeriesReader.readEmbedded("seattle_weather", null, null).table(), null,
        "temp_max", 30, 1, ChronologicalSplit.standard());
    // rnn4j train's settings, three epochs (96 updates of 32 windows) to keep the test short
    FitOptions options = FitOptions.builder().epochs(3).batchSize(32)
        .optimizer(new Adam(0.003f, 0.9f, 0.999f, 1e-8f, 0f, false)).seed(42).clipNorm(1f)
        .earlyStopping(6).restoreBest(true).build();

    Model single = fd.model(CellType.LSTM, 64, 1, 0f, 42);
    History hs = Trainer.fit(single, fd.train().dataset(), fd.parts().validation().dataset(), options,
        new org.rnn4j.train.TrainingListener() { });

    DistributedDataset train = DistributedDataset.of(TestSpark.context(), fd.train().dataset(), 2);
    long[] updates = {0};
    Model spark;
    History hd;
    try {
      spark = fd.model(CellType.LSTM, 64, 1, 0f, 42);
      hd = DistributedTrainer.builder().options(options).build().fit(spark, train, fd.parts().validation().dataset(),
          new RoundListener() {
            @Override
            public void roundFinished(org.rnn4j.spark.RoundStats s) {
              updates[0] += s.updates();
            }
          });
    } finally {
      train.unpersist();
    }
    assertThat(updates[0]).isEqualTo(3 * 32); // 993 windows: 32 batches per epoch
    assertThat(hd.epochs()).hasSameSizeAs(hs.epochs());
    double maeSingle = fd.testMae(single);
    double maeSpark = fd.testMae(spark);
    assertThat(maeSingle).isLessThan(3.5); // it learned (the training mean's MAE is 7.47 degrees)
    assertThat(Math.abs(maeSpark - maeSingle)).isLessThan(1e-4 * maeSingle);
  }
}
