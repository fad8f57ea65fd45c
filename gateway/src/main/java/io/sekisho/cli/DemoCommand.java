package io.sekisho.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code sekisho demo}: registers the bundled sample classified documents and scans the bundled
 * sample outgoing files, running the same commands a security team would type, and printing them.
 *
 * <p>Everything goes into a data folder under the current directory, so the user can look at
 * the files and re-run the commands by hand afterwards.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Register sample classified documents and scan sample outgoing files, showing every command.")
final class DemoCommand implements Callable<Integer> {

    /** The bundled classified samples, each with the level a security team would give it. */
    private static final String[][] DOCUMENTS = {
            {"FC-2024-017-fluorination-route.txt", "top-secret"},
            {"LCD-ALN-0032-alignment-layer.txt", "secret"},
            {"半導体洗浄プロセス-SC-118.txt", "secret"},
            {"JR-2025-ORB-joint-research-plan.txt", "confidential"},
    };

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "sekisho-demo",
            description = "Folder for the demo's files (default: ./sekisho-demo); its catalogue is rebuilt on every run.")
    Path data;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "2525",
            description = "Loopback port the demo gateway listens on for mail (default: 2525; 0 picks a free one).")
    int smtpPort;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "3128",
            description = "Loopback port of the demo's upload proxy (default: 3128; 0 picks a free one).")
    int httpPort;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "9090",
            description = "Loopback port of the demo's operations endpoints /healthz, /readyz, /metrics "
                    + "(default: 9090; 0 picks a free one).")
    int adminPort;

    @Option(names = "--no-wait", description = "Stop after the sample mails and uploads instead of serving until Ctrl-C.")
    boolean noWait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path documents = data.resolve("documents");
        Path publicText = data.resolve("public");
        Path outgoing = data.resolve("outgoing");
        Path catalogue = data.resolve("catalogue");
        for (String folder : new String[] {"catalogue", "outgoing", "audit", "quarantine", "delivered", "uploaded", "keys"}) {
            deleteTree(data.resolve(folder));
        }

        for (String[] doc : DOCUMENTS) {
            DemoFiles.copy("documents/" + doc[0], documents, doc[0]);
        }
        DemoFiles.copy("public/preventing-technology-leaks.txt", publicText, "preventing-technology-leaks.txt");
        writeOutgoing(outgoing);

        out.println("Sekisho demo: data folder " + data.toAbsolutePath().normalize());
        out.println();
        out.println("1. The security team registers its classified documents, and public text that must never count:");
        for (String[] doc : DOCUMENTS) {
            if (run(out, "catalogue", "add", "--catalogue", catalogue.toString(), "--classification", doc[1],
                    documents.resolve(doc[0]).toString()) != Main.EXIT_OK) {
                return Main.EXIT_ERROR;
            }
        }
        if (run(out, "catalogue", "ignore", "--catalogue", catalogue.toString(),
                publicText.resolve("preventing-technology-leaks.txt").toString()) != Main.EXIT_OK) {
            return Main.EXIT_ERROR;
        }
        run(out, "catalogue", "stats", "--catalogue", catalogue.toString());

        out.println();
        out.println("2. Outgoing files are scanned. Excerpts are found inside attachments and archives, re-wrapped,");
        out.println("   upper-cased or in full-width digits; the shared confidentiality notice and public text are not:");
        int scan = run(out, "scan", "--catalogue", catalogue.toString(), outgoing.toString());
        if (scan == Main.EXIT_ERROR) {
            return Main.EXIT_ERROR;
        }

        out.println();
        out.println("3. The gateway: Sekisho as the relay hop after the company's mail server, with the default policy.");
        Path keys = data.resolve("keys");
        run(out, "audit", "keygen", "--key", keys.resolve("audit.key").toString(),
                "--public-key", keys.resolve("audit.pub").toString());
        run(out, "quarantine", "keygen", "--key", keys.resolve("quarantine.key").toString());
        return DemoGateway.run(out, data, smtpPort, httpPort, adminPort, !noWait);
    }

    private int run(PrintWriter out, String... args) {
        out.println();
        out.println("$ sekisho " + String.join(" ", args));
        out.flush();
        var cli = Main.commandLine();
        cli.setOut(out);
        cli.setErr(spec.commandLine().getErr());
        return cli.execute(args);
    }

    private static void writeOutgoing(Path outgoing) throws IOException {
        DemoFiles.copy("outgoing/newsletter.html", outgoing, "newsletter.html");
        DemoFiles.copy("outgoing/meeting-minutes.txt", outgoing, "meeting-minutes.txt");
        DemoFiles.copy("outgoing/public-briefing.txt", outgoing, "public-briefing.txt");
        DemoFiles.copy("outgoing/見積依頼.txt", outgoing, "見積依頼.txt");
        byte[] docx = DemoFiles.docx(DemoFiles.resource("outgoing/supplier-quote-attachment.txt"));
        DemoFiles.write(outgoing, "supplier-quote.eml", DemoFiles.mailWithAttachment(
                "researcher@corp.example.co.jp", "sales@reactor-parts.example.com",
                "RFQ: microchannel plates", "Please see the attached request for quotation.\n",
                "rfq-plates.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx));
        DemoFiles.copy("outgoing/orbital-workplan.txt", outgoing, "orbital-workplan.txt");
        DemoFiles.write(outgoing, "rfq-plates.docx", docx);
        DemoFiles.write(outgoing, "himeji-visit.zip",
                DemoFiles.zip("notes/himeji-visit.txt", DemoFiles.resource("outgoing/panel-notes.txt")));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
