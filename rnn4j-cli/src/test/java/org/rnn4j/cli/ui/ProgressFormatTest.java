package org.rnn4j.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressFormatTest {
  @Test
  void barFillsWithTheStepsDone() {
    assertThat(ProgressFormat.bar(0, 120, 10)).isEqualTo("[          ]");
    assertThat(ProgressFormat.bar(54, 120, 10)).isEqualTo("[====>     ]");
    assertThat(ProgressFormat.bar(60, 120, 10)).isEqualTo("[=====>    ]");
    assertThat(ProgressFormat.bar(119, 120, 10)).isEqualTo("[=========>]");
    assertThat(ProgressFormat.bar(120, 120, 10)).isEqualTo("[==========]");
  }

  @Test
  void progressFieldsReadLikeKeras() {
    assertThat(ProgressFormat.epoch(3, 20) + " " + ProgressFormat.bar(60, 120, 10) + " "
        + ProgressFormat.progressFields(45, 120, 0.0431, 1234, 2.2))
        .isEqualTo("Epoch 3/20 [=====>    ]  45/120 loss 0.0431 1.2k ex/s ETA 0:03");
    assertThat(ProgressFormat.progressFields(0, 120, Double.NaN, Double.NaN, Double.NaN))
        .isEqualTo("  0/120");
  }

  @Test
  void numbers() {
    assertThat(ProgressFormat.loss(0.04312)).isEqualTo("0.0431");
    assertThat(ProgressFormat.loss(4.31e-5)).isEqualTo("4.310e-05");
    assertThat(ProgressFormat.loss(0)).isEqualTo("0.0000");
    assertThat(ProgressFormat.loss(Double.NaN)).isEqualTo("nan");
    assertThat(ProgressFormat.loss(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(ProgressFormat.rate(7.25)).isEqualTo("7.3 ex/s");
    assertThat(ProgressFormat.rate(850)).isEqualTo("850 ex/s");
    assertThat(ProgressFormat.rate(999.7)).isEqualTo("1.0k ex/s");
    assertThat(ProgressFormat.rate(12_345)).isEqualTo("12.3k ex/s");
    assertThat(ProgressFormat.rate(3.4e6)).isEqualTo("3.4M ex/s");
    assertThat(ProgressFormat.rate(Double.NaN)).isEmpty();
    assertThat(ProgressFormat.rate(0)).isEmpty();
    assertThat(ProgressFormat.duration(2.2)).isEqualTo("0:03");
    assertThat(ProgressFormat.duration(-1)).isEqualTo("0:00");
    assertThat(ProgressFormat.duration(759.5)).isEqualTo("12:40");
    assertThat(ProgressFormat.duration(3723)).isEqualTo("1:02:03");
    assertThat(ProgressFormat.seconds(3.24)).isEqualTo("3.2s");
    assertThat(ProgressFormat.seconds(612.4)).isEqualTo("612s");
    assertThat(ProgressFormat.eta(4.0, 10, 100)).isEqualTo(36.0);
    assertThat(ProgressFormat.eta(4.0, 0, 100)).isNaN();
  }

  @Test
  void epochFieldsLeaveOutWhatIsUnknown() {
    assertThat(ProgressFormat.epochFields(0.0412, 0.053, 1e-3, 3.2))
        .isEqualTo("loss 0.0412 val_loss 0.0530 lr 1.00e-03 3.2s");
    assertThat(ProgressFormat.epochFields(0.0412, Double.NaN, Double.NaN, 3.2))
        .isEqualTo("loss 0.0412 3.2s");
  }
}
