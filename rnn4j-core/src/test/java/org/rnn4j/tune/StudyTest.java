package org.rnn4j.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study: ask/tell, the TPE sampler against random, pruning, the journal, parallel trials. */
class StudyTest {

  static final SearchSpace ONE_D = SearchSpace.of(Param.real("x", 0, 1), Param.choice("kind", "a", "b", "c"));

  /** Minimum at x = 0.3 with kind b. */
  static double bowl(Trial t) {
    double x = t.real("x");
    return (x - 0.3) * (x - 0.3) + (t.choice("kind").equals("b") ? 0 : 0.2);
  }

  /** Mean |x - 0.3| and the share of kind b over trials 30..79 of an 80-trial search, and its best value. */
  static double[] lateTrials(Sampler sampler, long seed) throws Exception {
    Study s = Study.inMemory(ONE_D, sampler, Pruner.none(), seed);
    s.optimize(StudyTest::bowl, 80, null, 1, null);
    double bestValue = s.best().orElseThrow().value();
    double dist = 0;
    int b = 0;
    List<TrialRecord> late = s.trials().subList(30, 80);
    for (TrialRecord t : late) {
      dist += Math.abs((Double) t.params().get("x") - 0.3);
      b += t.params().get("kind").equals("b") ? 1 : 0;
    }
    return new double[] {dist / late.size(), (double) b / late.size(), bestValue};
  }

  @Test
  void tpeConcentratesWhereTheObjectiveIsLowAndRandomDoesNot() throws Exception {
    double tpeBest = 0;
    double randomBest = 0;
    for (long seed = 1; seed <= 3; seed++) {
      double[] tpe = lateTrials(Sampler.tpe(), seed);
      double[] random = lateTrials(Sampler.random(), seed);
      // uniform x on [0, 1]: E|x - 0.3| = (0.09 + 0.49) / 2 = 0.29; a kind is b a third of the time
      assertThat(random[0]).isBetween(0.2, 0.4);
      assertThat(tpe[0]).as("seed %d", seed).isLessThan(0.12);
      assertThat(tpe[1]).as("seed %d", seed).isGreaterThan(0.6);
      tpeBest += tpe[2];
      randomBest += random[2];
    }
    // at equal trials (80), TPE's best values are closer to the minimum (0) than random search's
    assertThat(tpeBest).isLessThan(randomBest);
  }

  @Test
  void tpeIsRandomForItsFirstTenTrials() throws Exception {
    Study a = Study.inMemory(ONE_D, Sampler.tpe(), Pruner.none(), 7);
    Study b = Study.inMemory(ONE_D, Sampler.random(), Pruner.none(), 7);
    a.optimize(StudyTest::bowl, 11, null, 1, null);
    b.optimize(StudyTest::bowl, 11, null, 1, null);
    for (int i = 0; i < 10; i++) {
      assertThat(a.trials().get(i).params()).isEqualTo(b.trials().get(i).params());
    }
    assertThat(a.trials().get(10).params()).isNotEqualTo(b.trials().get(10).params());
  }

  static TrialRecord reported(int number, Map<Integer, Double> values) {
    return new TrialRecord(number, Map.of(), TrialRecord.State.RUNNING, Double.NaN, new TreeMap<>(values), 0, "");
  }

  @Test
  void ashaStopsATrialOutsideTheBestQuarterAtARung() {
    Pruner asha = Pruner.asha(1, 4, 100); // rungs at 1, 4, 16, 64
    TrialRecord first = reported(0, Map.of(1, 1.0));
    assertThat(asha.prune(first, 1, 1.0, List.of(first))).as("the first at a rung goes on").isFalse();
    List<TrialRecord> all = new ArrayList<>(List.of(first, reported(1, Map.of(1, 3.0)), reported(2, Map.of(1, 2.0)),
        reported(3, Map.of(1, 4.0))));
    // recorded at rung 1: 1, 3, 2, 4 -> the 25th percentile (numpy, linear) is 1.75
    TrialRecord t = reported(4, Map.of(1, 1.8));
    all.add(t);
    assertThat(asha.prune(t, 1, 1.8, all)).isTrue();
    TrialRecord u = reported(5, Map.of(1, 1.7));
    all.set(4, u);
    assertThat(asha.prune(u, 1, 1.7, all)).isFalse();
    TrialRecord v = reported(6, Map.of(2, 99.0));
    all.add(v);
    assertThat(asha.prune(v, 2, 99.0, all)).as("step 2 is no rung").isFalse();
  }

  @Test
  void hyperbandComparesTrialsOnlyWithinTheirBracket() {
    SuccessiveHalving hb = (SuccessiveHalving) Pruner.hyperband(1, 3, 27); // brackets with grace 1, 3, 9, 27
    assertThat(hb.bracket(0)).isEqualTo(0);
    assertThat(hb.bracket(5)).isEqualTo(1);
    assertThat(hb.isRung(0, 1)).isTrue();
    assertThat(hb.isRung(0, 9)).isTrue();
    assertThat(hb.isRung(1, 1)).isFalse();
    assertThat(hb.isRung(1, 3)).isTrue();
    TrialRecord good = reported(0, Map.of(1, 0.1));
    TrialRecord badOtherBracket = reported(1, Map.of(1, 9.0));
    assertThat(hb.prune(badOtherBracket, 1, 9.0, List.of(good, badOtherBracket))).isFalse();
    TrialRecord badSameBracket = reported(4, Map.of(1, 9.0));
    assertThat(hb.prune(badSameBracket, 1, 9.0, List.of(good, badOtherBracket, badSameBracket))).isTrue();
  }

  @Test
  void prunedTrialsAreToldAndReportedStepsKept() throws Exception {
    Study s = Study.inMemory(ONE_D, Sampler.random(), Pruner.asha(1, 4, 16), 3);
    s.optimize(t -> {
      for (int step = 1; step <= 8; step++) {
        t.reportOrStop(step, t.number() == 0 ? 0.0 : 1.0 + step);
      }
      return 0.5;
    }, 3, null, 1, null);
    List<TrialRecord> trials = s.trials();
    assertThat(trials.get(0).state()).isEqualTo(TrialRecord.State.COMPLETE);
    assertThat(trials.get(1).state()).isEqualTo(TrialRecord.State.PRUNED);
    assertThat(trials.get(1).intermediate()).containsOnlyKeys(1);
    assertThat(trials.get(1).note()).isEqualTo("pruned at step 1");
  }

  @Test
  void aTrialRunElsewhereMeetsThePrunerAsInTheStudyAndIsReplayedIntoItsJournal(@TempDir Path dir)
      throws Exception {
    Pruner asha = Pruner.asha(1, 4, 16);
    Path journal = dir.resolve("study.jsonl");
    Study study = Study.open(journal, ONE_D, Sampler.random(), asha, 7);
    // four finished trials whose values at rung 1 are 1, 2, 3, 4 (25th percentile 1.75)
    for (int i = 0; i < 4; i++) {
      Trial t = study.ask();
      t.report(1, 1.0 + i);
      study.tell(t, 1.0 + i);
    }
    Study.Objective objective = t -> {
      for (int step = 1; step <= 4; step++) {
        t.reportOrStop(step, t.number() == 4 ? 1.5 : 2.5); // trial 4 is in the best quarter, 5 is not
      }
      return t.number() == 4 ? 1.25 : 2.5;
    };
    for (int n = 4; n <= 5; n++) {
      Trial here = study.ask();
      // the other machine gets the study's records and the trial, as bytes (a Spark task's closure)
      byte[] shipped = serialize(new ArrayList<>(here.studyTrials()));
      @SuppressWarnings("unchecked")
      List<TrialRecord> others = (List<TrialRecord>) deserialize(shipped);
      TrialRecord done = Study.replica(ONE_D, asha, others).runElsewhere(objective, here.number(), here.params());
      done = (TrialRecord) deserialize(serialize(done));
      if (n == 4) {
        assertThat(done.state()).isEqualTo(TrialRecord.State.COMPLETE);
        assertThat(done.intermediate()).containsOnlyKeys(1, 2, 3, 4);
        assertThat(here.replay(done)).isEqualTo(1.25);
        study.tell(here, 1.25);
      } else {
        assertThat(done.state()).as("outside the best quarter at rung 1").isEqualTo(TrialRecord.State.PRUNED);
        assertThat(done.intermediate()).containsOnlyKeys(1);
        TrialRecord pruned = done;
        assertThatThrownBy(() -> here.replay(pruned)).isInstanceOf(Trial.Pruned.class);
        study.tellPruned(here);
      }
    }
    study.close();
    Study back = Study.open(journal, ONE_D, Sampler.random(), asha, 7);
    assertThat(back.trials().get(4).intermediate()).containsOnlyKeys(1, 2, 3, 4);
    assertThat(back.trials().get(4).value()).isEqualTo(1.25);
    assertThat(back.trials().get(5).state()).isEqualTo(TrialRecord.State.PRUNED);
    assertThat(back.trials().get(5).intermediate()).containsEntry(1, 2.5);
    TrialRecord other = back.trials().get(0);
    assertThatThrownBy(() -> back.ask().replay(other)).hasMessageContaining("expected the finished record of trial");
    back.close();
  }

  private static byte[] serialize(Object o) throws java.io.IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  private static Object deserialize(byte[] bytes) throws Exception {
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @Test
  void aKilledSearchResumesFromItsJournalWithoutRepeatingFinishedTrials(@TempDir Path dir) throws Exception {
    Path journal = dir.resolve("study.jsonl");
    Study s = Study.open(journal, ONE_D, Sampler.random(), Pruner.none(), 5);
    Trial t0 = s.ask();
    t0.report(1, 0.4);
    s.tell(t0, 0.25);
    Trial t1 = s.ask();
    s.tellFailed(t1, "boom");
    Trial t2 = s.ask(); // killed while running
    t2.report(1, 0.9);
    s.close();
    Files.writeString(journal, "{\"op\":\"tell\",\"tri", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    Study r = Study.open(journal, ONE_D, Sampler.random(), Pruner.none(), 5);
    assertThat(r.trials()).extracting(TrialRecord::number).containsExactly(0, 1);
    assertThat(r.trials().get(0).value()).isEqualTo(0.25);
    assertThat(r.trials().get(0).intermediate()).containsEntry(1, 0.4);
    assertThat(r.trials().get(1).note()).isEqualTo("boom");
    Trial again = r.ask();
    assertThat(again.number()).isEqualTo(3);
    assertThat(again.params()).isEqualTo(t2.params());
    r.tell(again, 0.1);
    r.close();

    Study r2 = Study.open(journal, ONE_D, Sampler.random(), Pruner.none(), 5);
    assertThat(r2.trials()).extracting(TrialRecord::number).containsExactly(0, 1, 3);
    assertThat(r2.best().orElseThrow().number()).isEqualTo(3);
    Trial fresh = r2.ask();
    assertThat(fresh.number()).isEqualTo(4);
    assertThat(fresh.params()).isNotEqualTo(t2.params());
    r2.close();

    assertThatThrownBy(() -> Study.open(journal, SearchSpace.of(Param.real("y", 0, 1)), Sampler.random(),
        Pruner.none(), 5)).hasMessageContaining("study.jsonl: a journal of another search space");
  }

  @Test
  void optimizeCountsAResumedJournalsTrialsAndSkipsEnqueuedDuplicates(@TempDir Path dir) throws Exception {
    Path journal = dir.resolve("j.jsonl");
    Map<String, Object> defaults = Map.of("x", 0.5, "kind", "a");
    Study s = Study.open(journal, ONE_D, Sampler.random(), Pruner.none(), 1);
    s.enqueue(defaults);
    assertThat(s.optimize(StudyTest::bowl, 3, null, 1, null)).isEqualTo(3);
    assertThat(s.trials().get(0).params()).isEqualTo(defaults);
    s.close();
    Study r = Study.open(journal, ONE_D, Sampler.random(), Pruner.none(), 1);
    r.enqueue(defaults);
    assertThat(r.optimize(StudyTest::bowl, 5, null, 1, null)).isEqualTo(2);
    assertThat(r.trials()).hasSize(5);
    assertThat(r.trials().stream().filter(t -> t.params().equals(defaults)).count()).isEqualTo(1);
    assertThatThrownBy(() -> r.enqueue(Map.of("x", 2.0, "kind", "a"))).hasMessageContaining("'x' = 2.0 is outside");
    r.close();
  }

  @Test
  void parallelTrialsRunOnSeveralThreadsAndAllAreTold() throws Exception {
    Study s = Study.inMemory(ONE_D, Sampler.tpe(), Pruner.none(), 2);
    Map<Integer, String> threads = new ConcurrentHashMap<>();
    int ran = s.optimize(t -> {
      threads.put(t.number(), Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()));
      Thread.sleep(20);
      if (t.number() == 3) {
        throw new IllegalStateException("trial three fails");
      }
      return bowl(t);
    }, 12, null, 3, null);
    assertThat(ran).isEqualTo(12);
    assertThat(s.trials()).hasSize(12).allMatch(TrialRecord::finished);
    assertThat(new java.util.HashSet<>(threads.values()).size()).isGreaterThan(1);
    assertThat(s.trials().get(3).state()).isEqualTo(TrialRecord.State.FAILED);
    assertThat(s.trials().get(3).note()).isEqualTo("trial three fails");
    assertThat(Study.inMemory(ONE_D, Sampler.random(), Pruner.none(), 2)
        .optimize(StudyTest::bowl, 10, Duration.ZERO, 2, null)).isZero();
  }

  @Test
  void importanceFindsTheParameterThatOrdersTheScores() {
    SearchSpace space = SearchSpace.of(Param.real("lr", 0, 1), Param.choice("cell", "lstm", "gru"));
    List<TrialRecord> trials = new ArrayList<>();
    // the score follows lr; cell alternates, unrelated to it
    for (int i = 0; i < 16; i++) {
      Map<String, Object> p = new HashMap<>(Map.of("lr", i / 16.0, "cell", i % 2 == 0 ? "lstm" : "gru"));
      trials.add(new TrialRecord(i, p, TrialRecord.State.COMPLETE, i, new TreeMap<>(), 1, ""));
    }
    Map<String, Double> share = Importance.of(space, trials);
    assertThat(share.keySet()).containsExactly("lr", "cell");
    // lr's quartiles hold ranks 0-3, 4-7, 8-11, 12-15: between-group variance 80 of 340 total... computed:
    // group means 1.5, 5.5, 9.5, 13.5 around 7.5: 4 * (36 + 4 + 4 + 36) = 320 of sum (r - 7.5)^2 = 340
    assertThat(share.get("lr")).isCloseTo(320.0 / 340.0, org.assertj.core.data.Offset.offset(1e-12));
    // cell: means 7 (even ranks) and 8 (odd): 8 * 0.25 + 8 * 0.25 = 4 of 340
    assertThat(share.get("cell")).isCloseTo(4.0 / 340.0, org.assertj.core.data.Offset.offset(1e-12));
  }
}
