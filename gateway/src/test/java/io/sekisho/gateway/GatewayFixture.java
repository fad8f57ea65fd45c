package io.sekisho.gateway;

import io.sekisho.cli.Main;
import io.sekisho.config.ConfigLoader;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an administrator sets up before {@code sekisho serve}: a catalogue of the demo's classified
 * documents (through the real command line), a quarantine key, an audit signing key, and one
 * configuration file per gateway, each with its own audit log and quarantine.
 */
final class GatewayFixture {
    static final String INTERNAL = "corp.example.co.jp";
    static final String[][] DOCUMENTS = {
            {"FC-2024-017-fluorination-route.txt", "top-secret"},
            {"LCD-ALN-0032-alignment-layer.txt", "secret"},
            {"JR-2025-ORB-joint-research-plan.txt", "confidential"},
    };
    /** Registered only by the test that adds a document while the gateway runs. */
    static final String LATE_DOCUMENT = "半導体洗浄プロセス-SC-118.txt";

    final Path dir;
    final Path catalogue;
    final Path quarantineKey;
    final Path auditKey;
    final Path auditPublicKey;

    GatewayFixture(Path dir) throws IOException {
        this.dir = dir;
        this.catalogue = dir.resolve("catalogue");
        this.quarantineKey = dir.resolve("quarantine.key");
        this.auditKey = dir.resolve("audit-signing.pem");
        this.auditPublicKey = dir.resolve("audit-signing.pub");
        for (String[] d : DOCUMENTS) {
            cli("catalogue", "add", "--catalogue", catalogue, "--classification", d[1], document(d[0])).ok();
        }
        cli("quarantine", "keygen", "--key", quarantineKey).ok();
        cli("audit", "keygen", "--key", auditKey, "--public-key", auditPublicKey).ok();
    }

    /** A demo document, copied out of the classpath. */
    Path document(String name) throws IOException {
        Path file = dir.resolve("documents").resolve(name);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            try (InputStream in = GatewayFixture.class.getResourceAsStream("/io/sekisho/demo/documents/" + name)) {
                Files.copy(in, file);
            }
        }
        return file;
    }

    /** Lines {@code from..to} (1-based, inclusive) of a demo document: an excerpt of its body. */
    String excerpt(String name, int from, int to) throws IOException {
        var lines = Files.readAllLines(document(name));
        return String.join("\n", lines.subList(from - 1, to));
    }

    /**
     * Writes {@code <name>/sekisho.yaml}: listen on any free loopback port, relay to
     * {@code nextHopPort}, the shipped default policy unless {@code extra} names one.
     */
    Path config(String name, int nextHopPort, String extra) throws IOException {
        return config(name, nextHopPort, extra, "");
    }

    /** As {@link #config(String, int, String)}, with {@code smtpExtra} added to the smtp section (indented two spaces). */
    Path config(String name, int nextHopPort, String extra, String smtpExtra) throws IOException {
        return write(name, extra
                + "smtp:\n"
                + "  listen: 127.0.0.1:0\n"
                + "  nextHop: 127.0.0.1:" + nextHopPort + "\n"
                + "  hostname: gw.test\n"
                + "  nextHopTimeout: 3s\n"
                + "  shutdownTimeout: 5s\n"
                + "  spoolDir: spool\n"
                + smtpExtra);
    }

    /**
     * Writes {@code <name>/sekisho.yaml} for the upload channels only: the HTTP proxy and ICAP on
     * free loopback ports, no SMTP; {@code httpExtra} is added to the {@code http} section
     * (indented two spaces, e.g. a {@code tls:} block).
     */
    Path uploadConfig(String name, String httpExtra) throws IOException {
        return write(name, "http:\n"
                + "  listen: 127.0.0.1:0\n"
                + "  spoolDir: http-spool\n"
                + "  upstreamTimeout: 5s\n"
                + "  inspectionTimeout: 60s\n"
                + httpExtra
                + "icap:\n"
                + "  listen: 127.0.0.1:0\n");
    }

    private Path write(String name, String channels) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path file = home.resolve("sekisho.yaml");
        Files.writeString(file, "catalogue: " + catalogue + "\n"
                + "internalDomains: [" + INTERNAL + "]\n"
                + "instance: gw-" + name + "\n"
                + channels
                + "audit:\n"
                + "  dir: audit\n"
                + "  signingKey: " + auditKey + "\n"
                + "quarantine:\n"
                + "  dir: quarantine\n"
                + "  key: " + quarantineKey + "\n");
        return file;
    }

    static Gateway start(Path config) throws Exception {
        return Gateway.start(ConfigLoader.load(config));
    }

    /** The real command line, in this JVM. */
    static Run cli(Object... args) {
        String[] argv = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(argv);
        return new Run(code, out.toString(), err.toString(), String.join(" ", argv));
    }

    record Run(int exitCode, String out, String err, String command) {
        Run ok() {
            assertThat(exitCode).as(command + "\n" + out + err).isZero();
            return this;
        }
    }
}
