package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Split boundaries, which windows each part gets, and errors. */
class ChronologicalSplitTest {

  @Test
  void boundariesAreRoundedFractionsOfTheRows() {
    ChronologicalSplit s = ChronologicalSplit.standard();
    assertThat(s.ranges(100)).isEqualTo(new ChronologicalSplit.RowRanges(100, 70, 85));
    ChronologicalSplit.RowRanges r = s.ranges(1461); // 1022.7 -> 1023, 1241.85 -> 1242
    assertThat(r.trainTo()).isEqualTo(1023);
    assertThat(r.validationTo()).isEqualTo(1242);
    assertThat(r.testRows()).isEqualTo(219);
    assertThat(r.toString()).isEqualTo("train [0, 1023), validation [1023, 1242), test [1242, 1461)");
    assertThat(new ChronologicalSplit(0.8, 0.2, 0).ranges(10)).isEqualTo(new ChronologicalSplit.RowRanges(10, 8, 10));
    assertThat(new ChronologicalSplit(1, 0, 0).ranges(7)).isEqualTo(new ChronologicalSplit.RowRanges(7, 7, 7));
  }

  @Test
  void badFractionsAreRefused() {
    assertThatThrownBy(() -> new ChronologicalSplit(0.7, 0.2, 0.2))
        .hasMessageContaining("adding up to 1, got 0.7 / 0.2 / 0.2");
    assertThatThrownBy(() -> new ChronologicalSplit(0, 0.5, 0.5)).hasMessageContaining("train in (0, 1]");
    assertThatThrownBy(() -> new ChronologicalSplit(1.2, -0.1, -0.1)).hasMessageContaining("got 1.2 / -0.1 / -0.1");
    assertThatThrownBy(() -> new ChronologicalSplit(0.9, 0.1, 0.0).ranges(3))
        .isInstanceOf(DataException.class).hasMessageContaining("validation part (0.1 of 3 rows)");
  }

  @Test
  void windowsBelongToThePartHoldingTheirTargets() {
    SeriesTable t = WindowsTest.ramp(20);
    ChronologicalSplit.SplitWindows s = new ChronologicalSplit(0.5, 0.25, 0.25)
        .windows(t, List.of("v"), "v", WindowSpec.nextStep(3));
    assertThat(s.ranges()).isEqualTo(new ChronologicalSplit.RowRanges(20, 10, 15));
    assertThat(s.train().targetStarts()).containsExactly(3, 4, 5, 6, 7, 8, 9);
    assertThat(s.validation().targetStarts()).containsExactly(10, 11, 12, 13, 14);
    assertThat(s.test().targetStarts()).containsExactly(15, 16, 17, 18, 19);
    // the first validation window reads the last three training rows
    assertThat(s.validation().x().data()).startsWith(7f, 8f, 9f);
    assertThat(s.validation().y().data()).startsWith(10f);
  }

  @Test
  void multiStepTargetsNeverStraddleABoundary() {
    ChronologicalSplit.SplitWindows s = new ChronologicalSplit(0.5, 0.25, 0.25)
        .windows(WindowsTest.ramp(20), List.of("v"), "v", new WindowSpec(3, 2, 1));
    assertThat(s.train().targetStarts()).containsExactly(3, 4, 5, 6, 7, 8);
    assertThat(s.validation().targetStarts()).containsExactly(10, 11, 12, 13);
    assertThat(s.test().targetStarts()).containsExactly(15, 16, 17, 18);
    assertThat(s.train().y().data()).endsWith(8f, 9f);
  }

  @Test
  void aPartTooShortForOneWindowIsNamedWithItsNumbers() {
    assertThatThrownBy(() -> new ChronologicalSplit(0.8, 0.1, 0.1)
        .windows(WindowsTest.ramp(10), List.of("v"), "v", new WindowSpec(3, 2, 1)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("validation part (rows [8, 9), 1 rows)")
        .hasMessageContaining("3 input rows").hasMessageContaining("2 target rows")
        .hasMessageContaining("the table has 10 rows");
    assertThatThrownBy(() -> new ChronologicalSplit(0.3, 0.35, 0.35)
        .windows(WindowsTest.ramp(10), List.of("v"), "v", WindowSpec.nextStep(5)))
        .hasMessageContaining("training part (rows [0, 3), 3 rows)");
  }

  @Test
  void aZeroFractionPartHasNoWindows() {
    ChronologicalSplit.SplitWindows s = new ChronologicalSplit(0.8, 0.2, 0)
        .windows(WindowsTest.ramp(10), List.of("v"), "v", WindowSpec.nextStep(2));
    assertThat(s.test().count()).isZero();
    assertThat(s.validation().targetStarts()).containsExactly(8, 9);
    assertThatThrownBy(() -> s.test().dataset()).isInstanceOf(IllegalStateException.class);
  }
}
