package io.sekisho.cli;

import io.sekisho.config.ConfigException;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.SekishoConfig;
import io.sekisho.receive.http.HttpProxyServer;
import io.sekisho.receive.http.UploadProcessor;
import io.sekisho.receive.icap.IcapServer;
import io.sekisho.receive.smtp.MessageProcessor;
import io.sekisho.receive.smtp.SmtpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sekisho serve --config FILE}: runs the gateway's listeners until SIGTERM or Ctrl-C.
 *
 * <p>Today: the SMTP relay hop, the HTTP(S) proxy and the ICAP service, whichever the file
 * configures, each letting everything through (inspection is wired in next). At stop the
 * listeners close in reverse order; SMTP sessions with a message in hand finish it (up to
 * smtp.shutdownTimeout).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway: the SMTP relay hop, HTTP(S) proxy and ICAP service from the configuration file.",
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
            throw new UserError(configFile + ":1: smtp: missing: serve needs smtp (listen, nextHop), http.listen or icap.listen");
        }
        List<AutoCloseable> listeners = new ArrayList<>();
        try {
            if (config.smtp() != null) {
                SmtpServer server = SmtpServer.start(config.smtp(), MessageProcessor.passThrough());
                listeners.add(server);
                out.println("sekisho: SMTP listening on " + server.address().getAddress().getHostAddress() + ":"
                        + server.address().getPort() + ", relaying to " + config.smtp().nextHop()
                        + " (pass-through: inspection not wired yet)");
            }
            if (config.http().listen() != null) {
                HttpProxyServer proxy = HttpProxyServer.start(config.http(), UploadProcessor.passThrough());
                listeners.add(proxy);
                out.println("sekisho: HTTP proxy listening on " + proxy.address().getAddress().getHostAddress() + ":"
                        + proxy.address().getPort() + (config.http().tls().ca() == null ? " (no http.tls.ca: CONNECT passes uninspected)" : "")
                        + " (pass-through: inspection not wired yet)");
            }
            if (config.icap() != null) {
                IcapServer service = IcapServer.start(config.icap(), config.http(), UploadProcessor.passThrough());
                listeners.add(service);
                out.println("sekisho: ICAP listening on " + service.address().getAddress().getHostAddress() + ":"
                        + service.address().getPort() + " (pass-through: inspection not wired yet)");
            }
        } catch (IllegalArgumentException | IOException e) {
            closeAll(listeners);
            throw new UserError(configFile + ": " + e.getMessage());
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sekisho: stopping");
            out.flush();
            closeAll(listeners);
            stopped.countDown();
        }, "sekisho-stop"));
        stopped.await();
        return Main.EXIT_OK;
    }

    /** Stops listeners in reverse order of starting. */
    private static void closeAll(List<AutoCloseable> listeners) {
        for (int i = listeners.size() - 1; i >= 0; i--) {
            try {
                listeners.get(i).close();
            } catch (Exception e) {
                System.err.println("sekisho: stopping: " + e.getMessage());
            }
        }
    }
}
