package org.rnn4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark for all tests of the module (starting one costs seconds): two worker threads, each
 * task allowed two attempts (the fault-tolerance test retries one), no UI, few shuffle partitions, no
 * code generation (the tables are tiny).
 * Thread-safe (created once under a lock); stopped when the test JVM exits.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {
  }

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .appName("rnn4j-spark-tests")
          .master("local[2,2]") // 2 threads; in local mode the 2nd number is spark.task.maxFailures
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.adaptive.enabled", "false")
          // tiny test tables: interpreting is faster than generating and compiling code per query
          .config("spark.sql.codegen.wholeStage", "false")
          .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }

  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }
}
