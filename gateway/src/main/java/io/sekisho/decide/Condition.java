package io.sekisho.decide;

/** One compiled {@code when} condition; a rule fires when all of its conditions hold for a destination. */
@FunctionalInterface
interface Condition {
    boolean holds(TransferFacts facts, Destination destination, Releases releases);

    /** Which matches a policy's release scopes release to a destination at the transfer's time. */
    @FunctionalInterface
    interface Releases {
        boolean released(io.sekisho.match.Match match, Destination destination);
    }
}
