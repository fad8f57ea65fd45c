package io.sekisho.audit;

import java.util.List;

/**
 * What {@link AuditVerifier} found.
 *
 * @param records            records read (checkpoints included)
 * @param checkpoints        checkpoints read
 * @param lastSeq            the last record's sequence number
 * @param lastHash           the last record's hash
 * @param signaturesChecked  false when no public key was given: then only the chain was checked
 * @param problems           everything wrong, in file order; empty means the log verifies
 * @param notes              facts worth knowing that are not problems (recoveries, retention, unsigned tail)
 */
public record VerifyReport(long records, long checkpoints, long lastSeq, String lastHash, boolean signaturesChecked,
                           List<Finding> problems, List<String> notes) {
    public VerifyReport {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
