package org.rnn4j.spark.cli;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session every rnn4j Spark command runs on: the one spark-submit or an in-process caller
 * set up, else a new one ({@code --master}, default local[*]) stopped afterwards; on a cluster the
 * executors load rnn4j from this module's jar. Stateless; thread-safe.
 */
final class SparkSessions {
  private SparkSessions() {
  }

  /** A job on the Spark session. */
  @FunctionalInterface
  interface SparkJob {
    int run(SparkSession spark) throws Exception;
  }

  /**
   * Runs {@code job} on the session.
   *
   * @param master  {@code --master}, or null for spark-submit's, else local[*]
   * @param appName the application's name in Spark's UI
   */
  static int with(String master, String appName, SparkJob job) throws Exception {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.ui.enabled", "false");
    String jar = ownJar();
    if (jar != null && !conf.get("spark.master").startsWith("local") && !conf.contains("spark.jars")) {
      conf.set("spark.jars", jar); // a cluster's executors load rnn4j from this jar
    }
    boolean ours = SparkSession.getDefaultSession().isEmpty(); // in-process callers may own one already
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      return job.run(spark);
    } finally {
      if (ours) {
        spark.stop();
      }
    }
  }

  /** The jar this class was loaded from (null when run from classes). */
  private static String ownJar() {
    try {
      java.security.CodeSource cs = SparkSessions.class.getProtectionDomain().getCodeSource();
      if (cs == null) {
        return null;
      }
      String p = Path.of(cs.getLocation().toURI()).toString();
      return p.endsWith(".jar") ? p : null;
    } catch (Exception e) {
      return null;
    }
  }
}
