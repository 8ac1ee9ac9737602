package org.rnn4j.cli.options;

/**
 * A check over several options of one command or mixin (test + validation shares below 1, a network
 * that fits in memory), run by {@link OptionChecks} after every option's own check and before the
 * command does any work. Implementations read only their own option fields; the check runs once, on the
 * thread that parses the command line, so they need not be thread-safe.
 */
public interface CombinedCheck {
  /** What is wrong with the options taken together, in one line naming them, or null. */
  String problem();
}
