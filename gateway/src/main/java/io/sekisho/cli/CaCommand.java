package io.sekisho.cli;

import io.sekisho.receive.http.InterceptionCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/** {@code sekisho ca}: the interception CA of the HTTP proxy (http.tls.ca). */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "The CA that signs the certificates the proxy shows for intercepted HTTPS hosts.",
        subcommands = {CaCommand.Init.class})
final class CaCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.EXIT_OK;
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Creates the interception CA: an EC P-256 key (ca.key, readable by its owner only) and a "
                    + "self-signed certificate (ca.crt) valid for 5 years.",
                    "Install ca.crt as trusted in the browsers and tools that use the proxy; set http.tls.ca to DIR."})
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder for ca.crt and ca.key (created).")
        Path dir;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "Sekisho interception CA",
                description = "The CA's common name (default: ${DEFAULT-VALUE}).")
        String name;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            InterceptionCa ca;
            try {
                ca = InterceptionCa.create(dir, name);
            } catch (FileAlreadyExistsException e) {
                throw new UserError(e.getMessage() + "; remove them first to make a new CA");
            }
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
            PrintWriter out = spec.commandLine().getOut();
            out.println("sekisho: CA written to " + dir.resolve(InterceptionCa.CERT_FILE) + " and "
                    + dir.resolve(InterceptionCa.KEY_FILE) + " (owner-only)");
            out.println("valid until " + ca.certificate().getNotAfter().toInstant());
            out.println("SHA-256 fingerprint " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha));
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
