/**
 * Data-parallel training of rnn4j models on Apache Spark: {@link org.rnn4j.spark.DistributedDataset}
 * (examples spread over partitions), {@link org.rnn4j.spark.DistributedTrainer} (synchronous rounds of
 * gradient or parameter averaging, optimizer on the driver, atomic checkpoints) and the data helpers in
 * {@code org.rnn4j.spark.data}.
 *
 * <p>Built against Spark 3.5 with Scala 2.12, {@code provided}: the cluster brings Spark. Spark 3.5
 * runs on Java 8, 11 and 17 and is what most clusters run today; Spark 4 needs Java 17 too but Scala
 * 2.13, so a jar built for one does not load in the other. On Java 17, Spark needs the
 * {@code --add-opens} flags of its launcher (the module's tests and {@code ./rnn4j spark-train} pass
 * them), and rnn4j's vectorised kernels need {@code --add-modules jdk.incubator.vector} on the driver
 * and the executors.
 */
package org.rnn4j.spark;
