package io.sekisho.cli;

import io.sekisho.config.ConfigException;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.SekishoConfig;
import io.sekisho.gateway.Gateway;
import io.sekisho.gateway.GatewayException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sekisho serve --config FILE}: runs the gateway until SIGTERM or Ctrl-C.
 *
 * <p>The SMTP relay hop inspects every message, decides with the policy, records the decision and
 * only then answers (see {@link Gateway}). At stop the listener closes first, then idle sessions
 * get 421 and messages in hand finish (up to smtp.shutdownTimeout).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway: the SMTP relay hop from the configuration file, inspecting and deciding on every message.",
                "Stops cleanly on SIGTERM or Ctrl-C. Exit code 2 for a configuration that cannot be used."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The configuration file (see deploy/sekisho.yaml).")
    Path configFile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SekishoConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage());
        }
        if (config.http().listen() != null || config.icap() != null) {
            // The upload listeners exist but are not yet assembled with inspection; serving them
            // would let every upload through unseen, so they are refused rather than started.
            throw new UserError(configFile + ": http.listen / icap.listen: the HTTP proxy and ICAP service are not "
                    + "wired to inspection in this build yet; remove those sections");
        }
        if (config.smtp() == null) {
            throw new UserError(configFile + ":1: smtp: missing: serve needs at least smtp.listen and smtp.nextHop");
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (GatewayException e) {
            throw new UserError(configFile + ": " + e.getMessage());
        }
        out.println("sekisho: SMTP listening on " + gateway.smtpAddress().getAddress().getHostAddress() + ":"
                + gateway.smtpAddress().getPort() + ", relaying to " + config.smtp().nextHop());
        out.println("sekisho: catalogue " + config.catalogue() + " (" + gateway.catalogueDocuments() + " documents), policy "
                + gateway.policyDescription() + ", audit " + config.audit().dir() + ", quarantine " + config.quarantine().dir());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sekisho: stopping");
            out.flush();
            gateway.close();
            stopped.countDown();
        }, "sekisho-stop"));
        stopped.await();
        return Main.EXIT_OK;
    }
}
