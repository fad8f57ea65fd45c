package io.sekisho.cli;

import io.sekisho.admin.AdminServer;
import io.sekisho.admin.GatewayMeters;
import io.sekisho.admin.Logging;
import io.sekisho.config.ConfigException;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.SekishoConfig;
import io.sekisho.gateway.Gateway;
import io.sekisho.gateway.GatewayException;
import io.sekisho.gateway.GatewayMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
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
 * {@link Gateway}). With {@code admin.listen} it also answers {@code /healthz}, {@code /readyz} and
 * {@code /metrics} ({@link AdminServer}); it logs to stderr as {@code log.format} and
 * {@code log.level} say. At stop the admin listener closes first (probes fail), then the
 * listeners, then idle SMTP sessions get 421 and messages in hand finish (up to smtp.shutdownTimeout).
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
        Logging.configure(config.log());
        GatewayMeters meters = config.admin().listen() == null ? null : new GatewayMeters();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, meters == null ? GatewayMetrics.NONE : meters);
        } catch (GatewayException e) {
            closeMeters(meters);
            throw new UserError(configFile + ": " + e.getMessage());
        }
        AdminServer admin = null;
        if (meters != null) {
            try {
                admin = AdminServer.start(config.admin().listen(), gateway, meters);
            } catch (IOException e) {
                gateway.close();
                closeMeters(meters);
                throw new UserError(configFile + ": " + e.getMessage());
            }
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
        if (admin != null) {
            out.println("sekisho: admin endpoints on " + admin.url() + " (/healthz, /readyz, /metrics)");
        }
        out.println("sekisho: catalogue " + config.catalogue() + " (" + gateway.catalogueDocuments() + " documents), policy "
                + gateway.policyDescription() + ", audit " + config.audit().dir() + ", quarantine " + config.quarantine().dir());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        AdminServer adminServer = admin;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sekisho: stopping");
            out.flush();
            // Probes fail from here on, so a load balancer stops sending before the listeners close.
            if (adminServer != null) {
                adminServer.close();
            }
            gateway.close();
            closeMeters(meters);
            stopped.countDown();
        }, "sekisho-stop"));
        stopped.await();
        return Main.EXIT_OK;
    }

    private static void closeMeters(GatewayMeters meters) {
        if (meters != null) {
            meters.close();
        }
    }

    private static String address(java.net.InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
