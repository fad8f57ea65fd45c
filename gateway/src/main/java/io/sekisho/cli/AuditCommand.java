package io.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sekisho.audit.AuditKeys;
import io.sekisho.audit.AuditQuery;
import io.sekisho.audit.AuditReader;
import io.sekisho.audit.AuditVerifier;
import io.sekisho.audit.Finding;
import io.sekisho.audit.StoredRecord;
import io.sekisho.audit.VerifyReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code sekisho audit}: the auditor's tools for the tamper-evident log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify, search and show the audit log; make checkpoint keys; export checkpoints.",
        subcommands = {
                AuditCommand.Keygen.class,
                AuditCommand.Verify.class,
                AuditCommand.Query.class,
                AuditCommand.Show.class,
                AuditCommand.ExportCheckpoint.class,
        })
final class AuditCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make an Ed25519 key pair for signing checkpoints (PEM; the private key is readable by its owner only).")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Where to write the private key.")
        Path key;

        @Option(names = "--public-key", required = true, paramLabel = "FILE", description = "Where to write the public key (give it to auditors).")
        Path publicKey;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                KeyPair pair = AuditKeys.generate(key, publicKey);
                spec.commandLine().getOut().println("wrote private key " + key + " (owner only) and public key "
                        + publicKey + "; key id " + AuditKeys.keyId(pair.getPublic()));
                return Main.EXIT_OK;
            } catch (FileAlreadyExistsException e) {
                throw new UserError(e.getFile() + " exists: a key is never overwritten");
            } catch (IOException e) {
                throw new UserError("cannot write the key: " + e.getMessage());
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the chain and the checkpoint signatures of an audit log, and say what is wrong and where.",
                    "Exit 0 only when everything verifies; 1 when something does not; 2 when the input cannot be read."})
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The audit log folder.")
        Path dir;

        @Option(names = "--public-key", paramLabel = "FILE", description = "The public key checkpoints must be signed with (without it only the chain is checked).")
        Path publicKey;

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint exported earlier: the log must still reach it, unchanged.")
        Path checkpoint;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PublicKey key = publicKey == null ? null : readPublicKey(publicKey);
            VerifyReport report;
            try {
                report = AuditVerifier.verify(dir, key, checkpoint);
            } catch (IOException e) {
                throw new UserError("cannot verify " + dir + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Finding f : report.problems()) {
                out.println(f);
            }
            for (String note : report.notes()) {
                out.println("note: " + note);
            }
            String summary = report.records() + " records, " + report.checkpoints() + " checkpoints, last seq "
                    + Math.max(report.lastSeq(), 0)
                    + (key != null ? ", signatures checked with key " + AuditKeys.keyId(key) : ", signatures NOT checked");
            out.println(report.ok() ? "OK: " + summary : "FAILED: " + report.problems().size() + " problem(s); " + summary);
            return report.ok() ? Main.EXIT_OK : Main.EXIT_FOUND;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Find records. Criteria combine; addresses compare without case, '@example.com' matches a domain.",
                    "Administrative records (releases, deletions) are listed when only a time range is given."})
    static final class Query implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The audit log folder.")
        Path dir;

        @Option(names = "--since", paramLabel = "TIME", description = "At or after (2026-11-26 or 2026-11-26T09:00:00Z).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "Before (2026-11-27 or an instant).")
        String until;

        @Option(names = "--action", paramLabel = "ACTION", split = ",", description = "allow, log, tempfail, quarantine, block (repeatable).")
        List<String> actions = new ArrayList<>();

        @Option(names = "--classification", paramLabel = "LEVEL", description = "A match of this classification.")
        String classification;

        @Option(names = "--sender", paramLabel = "ADDRESS", description = "The sender or user.")
        String sender;

        @Option(names = "--destination", paramLabel = "ADDRESS", description = "One of the recipients or hosts.")
        String destination;

        @Option(names = "--document", paramLabel = "ID", description = "A match of this catalogue document.")
        String document;

        @ArgGroup(exclusive = true)
        Format format = new Format();

        static final class Format {
            @Option(names = "--json", description = "One record per line, exactly as stored.")
            boolean json;

            @Option(names = "--csv", description = "Comma-separated values with a header line.")
            boolean csv;
        }

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AuditQuery query = new AuditQuery(time(since, "--since"), time(until, "--until"), Set.copyOf(actions),
                    classification, sender, destination, document);
            List<StoredRecord> found;
            try {
                found = AuditReader.query(dir, query);
            } catch (IOException e) {
                throw new UserError("cannot read " + dir + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (format.csv) {
                out.println("seq,time,type,incident,channel,action,rule,sender,destinations,documents,classifications,event,by,reason");
            }
            for (StoredRecord r : found) {
                out.println(format.json ? r.raw() : format.csv ? csv(r.json(), r.seq()) : text(r));
            }
            if (!format.json && !format.csv) {
                out.println(found.size() + " record(s)");
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an incident: its decision record and every administrative record about it, as JSON.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The audit log folder.")
        Path dir;

        @Parameters(index = "1", paramLabel = "INCIDENT_ID")
        String incident;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<StoredRecord> records;
            try {
                records = AuditReader.incident(dir, incident);
            } catch (IOException e) {
                throw new UserError("cannot read " + dir + ": " + e.getMessage());
            }
            if (records.isEmpty()) {
                throw new UserError("no incident '" + incident + "' in " + dir);
            }
            PrintWriter out = spec.commandLine().getOut();
            for (StoredRecord r : records) {
                out.println("# " + r.segment() + ":" + r.line());
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "export-checkpoint", mixinStandardHelpOptions = true,
            description = {"Write the newest signed checkpoint, to keep outside the gateway.",
                    "'audit verify --checkpoint FILE' later proves the log was not cut back or rewritten before it."})
    static final class ExportCheckpoint implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The audit log folder.")
        Path dir;

        @Option(names = "--output", paramLabel = "FILE", description = "Where to write it (default: standard output).")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                Optional<StoredRecord> last = AuditReader.lastCheckpoint(dir);
                if (last.isEmpty()) {
                    throw new UserError(dir + " holds no checkpoint (is a signing key configured?)");
                }
                if (output == null) {
                    spec.commandLine().getOut().println(last.get().raw());
                } else {
                    Files.writeString(output, last.get().raw() + "\n");
                    spec.commandLine().getOut().println("exported checkpoint seq " + last.get().seq() + " of "
                            + last.get().json().path("time").asText() + " to " + output);
                }
                return Main.EXIT_OK;
            } catch (IOException e) {
                throw new UserError("cannot export a checkpoint from " + dir + ": " + e.getMessage());
            }
        }
    }

    static PublicKey readPublicKey(Path file) {
        try {
            return AuditKeys.readPublicKey(file);
        } catch (IOException e) {
            throw new UserError("cannot read the public key " + file + ": " + e.getMessage());
        }
    }

    private static Instant time(String value, String option) {
        if (value == null) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UserError(option + " '" + value + "' is not a date (2026-11-26) or an instant (2026-11-26T09:00:00Z)");
        }
    }

    private static String text(StoredRecord r) {
        JsonNode j = r.json();
        if ("admin".equals(r.type())) {
            return r.seq() + "  " + j.path("time").asText() + "  " + j.path("event").asText()
                    + (j.hasNonNull("incident") ? "  " + j.path("incident").asText() : "")
                    + "  by " + j.path("by").asText()
                    + (j.hasNonNull("reason") ? "  \"" + j.path("reason").asText() + "\"" : "");
        }
        return r.seq() + "  " + j.path("time").asText() + "  " + j.path("incident").asText() + "  "
                + j.path("action").asText() + "  " + j.path("channel").asText() + "  "
                + j.path("sender").asText("-") + " -> " + String.join(",", texts(j.path("destinations"), null))
                + (j.path("matches").isEmpty() ? "" : "  " + String.join(",", documents(j)))
                + "  rule " + j.path("rule").asText();
    }

    private static String csv(JsonNode j, long seq) {
        List<String> fields = List.of(Long.toString(seq), j.path("time").asText(), j.path("action").isMissingNode() ? "admin" : "decision",
                j.path("incident").asText(""), j.path("channel").asText(""), j.path("action").asText(""),
                j.path("rule").asText(""), j.path("sender").asText(""),
                String.join(" ", texts(j.path("destinations"), null)),
                String.join(" ", texts(j.path("matches"), "documentId")),
                String.join(" ", new LinkedHashSet<>(texts(j.path("matches"), "classification"))),
                j.path("event").asText(""), j.path("by").asText(""), j.path("reason").asText(""));
        List<String> quoted = new ArrayList<>();
        for (String f : fields) {
            quoted.add(f.contains(",") || f.contains("\"") || f.contains("\n") ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
        }
        return String.join(",", quoted);
    }

    private static List<String> documents(JsonNode j) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : j.path("matches")) {
            out.add(m.path("documentId").asText() + "[" + m.path("classification").asText() + "]");
        }
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(field == null ? n.asText() : n.path(field).asText());
        }
        return out;
    }
}
