package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EpochCursor}: what a checkpoint records mid-epoch and at an epoch's end, read back. */
class EpochCursorTest {

  @Test
  void aMidEpochCheckpointResumesAfterTheUnitWithTheEpochsLossSoFar() {
    EpochCursor at = new EpochCursor("step_in_epoch");
    at.nextEpoch(); // epoch 1
    at.add(6.0, 3);
    at.add(2.0, 1);
    at.inEpoch = 1; // the second update is running
    Map<String, String> meta = new LinkedHashMap<>();
    at.writeAfterUnit(meta);
    assertThat(meta).containsExactlyInAnyOrderEntriesOf(
        Map.of("epoch", "1", "step_in_epoch", "2", "loss_sum", "8.0", "seen", "4"));
    EpochCursor back = new EpochCursor("step_in_epoch");
    back.read(meta);
    assertThat(back.epoch).isEqualTo(1);
    assertThat(back.inEpoch).isEqualTo(2);
    assertThat(back.meanLoss()).isEqualTo(2.0);
    // the running cursor itself is unchanged by the write
    assertThat(at.inEpoch).isEqualTo(1);
  }

  @Test
  void anEndOfEpochCheckpointResumesAtTheNextEpochsStart() {
    EpochCursor at = new EpochCursor("round_in_epoch");
    at.add(5.0, 2);
    at.inEpoch = 7;
    Map<String, String> meta = new LinkedHashMap<>();
    at.writeAtNextEpoch(meta);
    assertThat(meta).containsExactlyInAnyOrderEntriesOf(
        Map.of("epoch", "1", "round_in_epoch", "0", "loss_sum", "0.0", "seen", "0"));
    assertThat(at.epoch).isZero();
    assertThat(at.meanLoss()).isEqualTo(2.5);
    at.nextEpoch();
    assertThat(at.meanLoss()).as("no example yet").isZero();
    assertThat(at.inEpoch).isZero();
  }
}
