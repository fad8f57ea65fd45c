package io.sekisho.decide;

import java.util.List;

/**
 * A compiled rule: all its conditions must hold for the rule to fire for a destination.
 *
 * @param id         stable id, named in every decision it makes
 * @param index      its position in the policy (ties between equally severe actions go to the lower)
 * @param conditions all must hold
 * @param action     what it does when it fires
 * @param severity   info, low, medium, high or critical
 * @param message    what the sender or user is told
 * @param simulated  log-only: it records what it would have done and acts as {@code log}
 */
record Rule(String id, int index, List<Condition> conditions, Action action, String severity, String message,
            boolean simulated) {

    boolean fires(TransferFacts facts, Destination destination, Condition.Releases releases) {
        for (Condition condition : conditions) {
            if (!condition.holds(facts, destination, releases)) {
                return false;
            }
        }
        return true;
    }
}
