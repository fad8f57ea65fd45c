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
 * <p>Runs whichever channels the file configures: the SMTP relay hop ({@code smtp}), the HTTP(S)
 * forward proxy ({@code http.listen}) and the ICAP service ({@code icap}). Each inspects every
 * transfer, decides with the policy, records the decision and only then answers (see
 * {@link Gateway}). At stop the listeners close first, then idle SMTP sessions get 421 and
 * messages in hand finish (up to smtp.shutdownTimeout).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway: the SMTP relay hop, the HTTP(S) proxy and the ICAP service, whichever the "
                + "configuration file configures, inspecting and deciding on every transfer.",
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
        if (config.smtp() == null && config.http().listen() == null && config.icap() == null) {
            throw new UserError(configFile + ":1: smtp, http, icap: none is configured: serve needs at least one "
                    + "(smtp.listen and smtp.nextHop, http.listen, or icap.listen)");
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (GatewayException e) {
            throw new UserError(configFile + ": " + e.getMessage());
        }
        if (gateway.smtpAddress() != null) {
            out.println("sekisho: SMTP listening on " + address(gateway.smtpAddress()) + ", relaying to "
                    + config.smtp().nextHop());
        }
        if (gateway.httpAddress() != null) {
            out.println("sekisho: HTTP proxy listening on " + address(gateway.httpAddress()) + ", "
                    + (config.http().tls().ca() == null ? "no interception CA (CONNECT tunnels pass uninspected, recorded)"
                    : "intercepting TLS with the CA in " + config.http().tls().ca()));
        }
        if (gateway.icapAddress() != null) {
            out.println("sekisho: ICAP listening on " + address(gateway.icapAddress()) + " (icap://"
                    + address(gateway.icapAddress()) + "/reqmod)");
        }
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

    private static String address(java.net.InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
