package io.sekisho.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sekisho} command line: the composition root, where stages are built and wired.
 *
 * <p>Exit codes are part of the interface, and scripts rely on them: 0 success or nothing found,
 * 1 something found (or blocked, with a policy), 2 a usage error or a catalogue/configuration
 * that cannot be used. No stack trace reaches the user for a bad input; one goes to stderr only
 * for a genuine bug, with {@code SEKISHO_DEBUG=1}.
 */
@Command(name = "sekisho",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Outbound data-leak prevention gateway: finds excerpts of classified documents in what leaves.",
        subcommands = {
                CatalogueCommand.class,
                ScanCommand.class,
                PolicyCommand.class,
                DemoCommand.class,
                ServeCommand.class,
                AuditCommand.class,
                QuarantineCommand.class,
                CaCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FOUND = 1;
    public static final int EXIT_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code, without exiting (tests call this). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError || ex instanceof io.sekisho.catalogue.CatalogueException
                    || ex instanceof io.sekisho.gateway.GatewayException || ex instanceof io.sekisho.config.ConfigException
                    || ex instanceof io.sekisho.extract.ExtractionUnavailableException) {
                commandLine.getErr().println("sekisho: " + ex.getMessage());
            } else if (ex instanceof io.sekisho.decide.PolicyException policyError) {
                // Already one located line per problem (file:line: key: message).
                commandLine.getErr().println(policyError.getMessage());
            } else {
                commandLine.getErr().println("sekisho: internal error: " + ex);
                if (System.getenv("SEKISHO_DEBUG") != null) {
                    ex.printStackTrace(commandLine.getErr());
                }
            }
            return EXIT_ERROR;
        });
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sekisho " + (v == null ? "development build" : v)};
        }
    }
}
