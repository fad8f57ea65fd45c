package io.sekisho.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sekisho.act.QuarantineEntry;
import io.sekisho.act.QuarantineException;
import io.sekisho.act.QuarantineKey;
import io.sekisho.act.QuarantineStore;
import io.sekisho.act.QuarantinedTransfer;
import io.sekisho.act.ReleaseTarget;
import io.sekisho.audit.AuditKeys;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.config.ConfigException;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.SekishoConfig;
import io.sekisho.config.SmtpConfig;
import io.sekisho.gateway.SmtpReleaseTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.crypto.SecretKey;

/** {@code sekisho quarantine}: the security team's view of held transfers; every release and deletion is audited. */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = "List, inspect, release and delete quarantined transfers (each release and deletion is audited).",
        subcommands = {
                QuarantineCommand.Keygen.class,
                QuarantineCommand.ListEntries.class,
                QuarantineCommand.Show.class,
                QuarantineCommand.Release.class,
                QuarantineCommand.Delete.class,
        })
final class QuarantineCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the quarantine is and the key that opens it: given one by one, or read from the gateway's configuration. */
    static class Store {
        @Option(names = "--config", paramLabel = "FILE",
                description = "The gateway's configuration: quarantine.dir, quarantine.key, audit.*, and smtp.nextHop for release.")
        Path configFile;

        @Option(names = "--quarantine", paramLabel = "DIR", description = "The quarantine folder (default: quarantine.dir of --config).")
        Path dir;

        @Option(names = "--key", paramLabel = "FILE", description = "The quarantine key, base64 of 32 bytes (default: quarantine.key of --config).")
        Path key;

        private SekishoConfig config;

        /** The configuration given with --config, or null. */
        SekishoConfig config() {
            if (config == null && configFile != null) {
                try {
                    config = ConfigLoader.load(configFile);
                } catch (ConfigException e) {
                    throw new UserError(e.getMessage());
                }
            }
            return config;
        }

        Path dir() {
            Path d = dir != null ? dir : config() != null ? config().quarantine().dir() : null;
            if (d == null) {
                throw new UserError(configFile == null ? "give --quarantine DIR and --key FILE, or --config FILE"
                        : configFile + ": quarantine.dir: required (or give --quarantine DIR)");
            }
            return d;
        }

        SecretKey secretKey() {
            Path k = key != null ? key : config() != null ? config().quarantine().key() : null;
            if (k == null) {
                throw new UserError(configFile == null ? "give --quarantine DIR and --key FILE, or --config FILE"
                        : configFile + ": quarantine.key: required (or give --key FILE)");
            }
            try {
                return QuarantineKey.read(k);
            } catch (IOException e) {
                throw new UserError("cannot read the quarantine key: " + e.getMessage());
            }
        }

        /** The quarantine named by the options; {@code audit} records releases and deletions (null to only read). */
        QuarantineStore open(AuditLog audit) {
            return new QuarantineStore(dir(), secretKey(), audit);
        }
    }

    /** The audit log that records who released or deleted what, and why. */
    static class Audit {
        @Option(names = "--audit", paramLabel = "DIR", description = "The audit log folder (default: audit.dir of --config).")
        Path dir;

        @Option(names = "--audit-key", paramLabel = "FILE",
                description = "The Ed25519 key that signs audit checkpoints (default: audit.signingKey of --config).")
        Path signingKey;

        @Option(names = "--instance", paramLabel = "NAME",
                description = "The instance named in the record (default: instance of --config, else the host name).")
        String instance;

        @Option(names = "--by", paramLabel = "NAME", description = "Who acts (default: the login name).")
        String by = System.getProperty("user.name");

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the audit log.")
        String reason;

        /**
         * Opens the audit log. It is locked by the gateway while the gateway runs: stop it first, or
         * this fails with "in use by another writer" and nothing is done.
         */
        AuditLog open(Store store) {
            SekishoConfig config = store.config();
            Path d = dir != null ? dir : config != null ? config.audit().dir() : null;
            if (d == null) {
                throw new UserError("give --audit DIR, or --config FILE with audit.dir: every release and deletion is recorded");
            }
            AuditLogOptions options = AuditLogOptions.defaults();
            String name = instance != null ? instance : config != null ? config.instance() : null;
            if (name != null) {
                options = options.withInstance(name);
            }
            Path keyFile = signingKey != null ? signingKey : config != null && dir == null ? config.audit().signingKey() : null;
            if (keyFile != null) {
                try {
                    PrivateKey k = AuditKeys.readPrivateKey(keyFile);
                    options = options.withSigningKey(k);
                } catch (IOException e) {
                    throw new UserError("cannot read the audit key: " + e.getMessage());
                }
            }
            try {
                return AuditLog.open(d, options);
            } catch (AuditUnavailableException e) {
                throw new UserError(e.getMessage() + (e.getMessage().contains("in use")
                        ? " (is the gateway running? stop it first; nothing was done)" : ""));
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make a quarantine key: base64 of 32 random bytes, readable by its owner only.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--key", required = true, paramLabel = "FILE")
        Path key;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                QuarantineKey.generate(key);
            } catch (FileAlreadyExistsException e) {
                throw new UserError(key + " exists: a key is never overwritten");
            } catch (IOException e) {
                throw new UserError("cannot write " + key + ": " + e.getMessage());
            }
            spec.commandLine().getOut().println("wrote quarantine key " + key + " (owner only)");
            return Main.EXIT_OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List quarantined transfers, oldest first.")
    static final class ListEntries implements Callable<Integer> {
        @Mixin
        Store store;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            QuarantineStore.Listing listing = store.open(null).list();
            PrintWriter out = spec.commandLine().getOut();
            for (QuarantineEntry e : listing.entries()) {
                out.println(json ? JSON.writeValueAsString(e) : line(e));
            }
            for (Map.Entry<String, String> bad : listing.unreadable().entrySet()) {
                spec.commandLine().getErr().println("sekisho: " + bad.getValue());
            }
            return listing.unreadable().isEmpty() ? Main.EXIT_OK : Main.EXIT_ERROR;
        }

        private static String line(QuarantineEntry e) {
            String state = e.state().name().toLowerCase(java.util.Locale.ROOT);
            if (e.state() == QuarantineEntry.State.DELETED) {
                return e.id() + "  " + state + " by " + e.stateBy() + " at " + e.stateAt();
            }
            return e.id() + "  " + state + "  " + e.storedAt() + "  " + e.channel() + "  " + e.sender() + " -> "
                    + String.join(",", e.destinations()) + "  " + e.parts().size() + " part(s), " + e.size() + " bytes"
                    + (e.stateBy() != null ? "  (" + state + " by " + e.stateBy() + ")" : "");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Describe one quarantined transfer (JSON).")
    static final class Show implements Callable<Integer> {
        @Mixin
        Store store;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try {
                QuarantineEntry e = store.open(null).show(id);
                spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(e));
                return Main.EXIT_OK;
            } catch (QuarantineException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = {"Release a held transfer and mark it released: with --config, relay the held mail to smtp.nextHop;",
                    "with --output (or without --config), write it, decrypted, to that file (or standard output).",
                    "Recorded in the audit log first, with --by and --reason. The audit log is locked by a running gateway:",
                    "stop the gateway first (the command then changes nothing and says so)."})
    static final class Release implements Callable<Integer> {
        @Mixin
        Store store;

        @Mixin
        Audit audit;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--output", paramLabel = "FILE",
                description = "Where to write it (default: standard output). A transfer of several parts needs a folder.")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (output != null && Files.exists(output) && !Files.isDirectory(output)) {
                throw new UserError(output + " exists: nothing was released");
            }
            try (AuditLog log = audit.open(store)) {
                SekishoConfig config = store.config();
                QuarantineStore quarantine = store.open(log);
                if (output == null && config != null && !"smtp".equals(quarantine.show(id).channel())) {
                    // An upload cannot be replayed to its destination: the user's session is gone.
                    throw new UserError("quarantine entry " + id + " is an upload (" + quarantine.show(id).channel()
                            + "): give --output DIR to write its parts; nothing was released");
                }
                ReleaseTarget target = output == null && config != null ? nextHop(config) : new OutputTarget(output);
                QuarantineEntry e = quarantine.release(id, audit.by, audit.reason, target);
                if (output != null || config != null) {
                    spec.commandLine().getOut().println("released " + e.id() + " to " + target.describe() + " (by " + e.stateBy() + ")");
                }
                return Main.EXIT_OK;
            } catch (QuarantineException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    /** The gateway's next hop, as the gateway would have relayed the mail. */
    private static ReleaseTarget nextHop(SekishoConfig config) {
        SmtpConfig smtp = config.smtp();
        if (smtp == null) {
            throw new UserError(config.source() + ": smtp.nextHop: required to release to the next hop (or give --output FILE)");
        }
        return new SmtpReleaseTarget(smtp.nextHop(), smtp.hostname(), smtp.nextHopTimeout());
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a quarantined transfer; recorded in the audit log first, with --by and --reason.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Store store;

        @Mixin
        Audit audit;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (AuditLog log = audit.open(store)) {
                QuarantineEntry e = store.open(log).delete(id, audit.by, audit.reason);
                spec.commandLine().getOut().println("deleted " + e.id() + " (by " + e.stateBy() + ")");
                return Main.EXIT_OK;
            } catch (QuarantineException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    /**
     * The command line's release target until the SMTP channel provides the next hop: a file, a
     * folder (one file per part) or standard output (raw bytes, not through the text writer).
     */
    private record OutputTarget(Path output) implements ReleaseTarget {
        @Override
        public void deliver(QuarantinedTransfer transfer) throws IOException {
            int parts = transfer.contents().size();
            if (output == null) {
                if (parts != 1) {
                    throw new IOException("it has " + parts + " parts: give --output with a folder");
                }
                OutputStream out = System.out;
                out.write(transfer.contents().get(0));
                out.flush();
            } else if (parts == 1 && !Files.isDirectory(output)) {
                Files.write(output, transfer.contents().get(0), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                Files.createDirectories(output);
                for (int i = 0; i < parts; i++) {
                    String name = transfer.entry().parts().get(i).name().replaceAll("[^A-Za-z0-9._-]", "_");
                    Files.write(output.resolve(String.format("%02d-%s", i + 1, name)), transfer.contents().get(i),
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
            }
        }

        @Override
        public String describe() {
            return output == null ? "stdout" : "file:" + output.toAbsolutePath();
        }
    }
}
