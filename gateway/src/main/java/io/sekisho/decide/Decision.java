package io.sekisho.decide;

import java.util.List;
import java.util.Objects;

/**
 * The policy's verdict on one transfer, with what is needed to explain it: which rule made it,
 * from which policy revision, and (for rules in simulation mode) what would have happened.
 *
 * @param action         what to do
 * @param ruleId         the stable id of the rule that decided, or {@code "default"}
 * @param severity       the rule's severity (for example low, medium, high, critical)
 * @param message        what the sender or user is told
 * @param policyRevision a hash of the loaded policy file(s), so every decision names its policy
 * @param simulated      rules that matched in simulation (log-only) mode: what they would have done
 */
public record Decision(Action action, String ruleId, String severity, String message, String policyRevision,
                       List<SimulatedOutcome> simulated) {
    public Decision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(ruleId, "ruleId");
        simulated = simulated == null ? List.of() : List.copyOf(simulated);
    }

    /** A rule in simulation mode that matched: recorded, not enforced. */
    public record SimulatedOutcome(String ruleId, Action action, String severity, String message) {
    }
}
