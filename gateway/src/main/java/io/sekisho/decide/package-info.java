/**
 * The decide stage: a security team's policy, loaded from YAML, turns what inspection found in a
 * transfer into one {@link io.sekisho.decide.Decision} (allow, log, tempfail, quarantine, block).
 *
 * <p>{@link io.sekisho.decide.PolicyLoader} validates a policy file completely before anything
 * uses it (errors name file, line and key; nothing is half-loaded); {@link io.sekisho.decide.Policy}
 * evaluates it; {@link io.sekisho.decide.PolicyHolder} reloads it and keeps the last good one;
 * {@link io.sekisho.decide.PolicyTestRunner} runs the tests kept next to a policy as data.
 * Every decision names its rule and the policy revision. The language and its evaluation order
 * are documented in {@code policies/README.md} and ADR 0005.
 *
 * <p>It must never read content, open the catalogue, or talk to a client: it judges plain facts
 * (a transfer and its inspections) and returns a verdict. It must never run a pattern that can
 * take more than linear time (regular expressions go through RE2/J), never depend on Lucene,
 * Tika, Netty or the command line, and never let a policy that failed validation decide anything.
 */
package io.sekisho.decide;
