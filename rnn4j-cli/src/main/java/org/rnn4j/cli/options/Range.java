package org.rnn4j.cli.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric option accepts, declared on the option's field beside its {@code @Option}, so
 * that no command can take the option without its check. {@link OptionChecks} checks every such field
 * of the command line (lists element by element, NaN always refused) before the command runs, and
 * answers a value outside the range with one line naming the option, the range and the value.
 * Read by reflection, like every annotation: immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Range {
  /** The smallest accepted value. */
  double min() default Double.NEGATIVE_INFINITY;

  /** The largest accepted value. */
  double max() default Double.POSITIVE_INFINITY;

  /** True when {@link #min()} itself is refused (a learning rate must be above 0). */
  boolean minExclusive() default false;

  /** True when {@link #max()} itself is refused (a share of the rows must be below 1). */
  boolean maxExclusive() default false;
}
