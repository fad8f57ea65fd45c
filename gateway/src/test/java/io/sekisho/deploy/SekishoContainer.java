package io.sekisho.deploy;

import io.sekisho.receive.smtp.ExternalTools;
import com.github.dockerjava.api.model.HealthCheck;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway image from deploy/Dockerfile, started as a user starts it: a catalogue made with the
 * packaged jar's own {@code catalogue add}, a quarantine key from {@code quarantine keygen}, and a
 * sekisho.yaml, all copied into the places the image documents. It runs as the image's non-root
 * user on the host's loopback (no Docker bridge here), on free ports.
 */
final class SekishoContainer extends GenericContainer<SekishoContainer> {
    static final String DEMO = "/io/sekisho/demo/";

    final int smtpPort;
    final int icapPort;
    final int httpPort;
    final int adminPort;

    SekishoContainer(Path work, int nextHopPort) throws IOException, InterruptedException {
        super(DeployImages.gateway());
        smtpPort = ExternalTools.freePort();
        icapPort = ExternalTools.freePort();
        httpPort = ExternalTools.freePort();
        adminPort = ExternalTools.freePort();

        Path catalogue = work.resolve("catalogue");
        Path documents = Files.createDirectories(work.resolve("documents"));
        jar("catalogue", "add", "--catalogue", catalogue.toString(), "--classification", "top-secret",
                copy("documents/FC-2024-017-fluorination-route.txt", documents).toString());
        jar("catalogue", "add", "--catalogue", catalogue.toString(), "--classification", "confidential",
                copy("documents/JR-2025-ORB-joint-research-plan.txt", documents).toString());
        Path key = work.resolve("quarantine.key");
        jar("quarantine", "keygen", "--key", key.toString());
        String config = String.join("\n",
                "catalogue: /var/lib/sekisho/catalogue",
                "policy: /etc/sekisho/policy.yaml",
                "internalDomains: [corp.example.co.jp]",
                "smtp:",
                "  listen: 127.0.0.1:" + smtpPort,
                "  nextHop: 127.0.0.1:" + nextHopPort,
                "  allowedClients: [127.0.0.0/8]",
                "  spoolDir: /var/spool/sekisho/smtp",
                "audit:",
                "  dir: /var/lib/sekisho/audit",
                "quarantine:",
                "  dir: /var/lib/sekisho/quarantine",
                "  key: /etc/sekisho/quarantine.key",
                "http:",
                "  listen: 127.0.0.1:" + httpPort,
                "  spoolDir: /var/spool/sekisho/http",
                "icap:",
                "  listen: 127.0.0.1:" + icapPort,
                "admin:",
                "  listen: 127.0.0.1:" + adminPort,
                "log:",
                "  format: json",
                "");

        withNetworkMode("host");
        // The image's own HEALTHCHECK command, told the admin port, run every second instead of
        // every 15 s so a test need not wait for it.
        withEnv("SEKISHO_ADMIN_PORT", String.valueOf(adminPort));
        List<String> healthCheck = DockerClientFactory.instance().client().inspectImageCmd(getDockerImageName()).exec()
                .getConfig().getHealthcheck().getTest();
        withCreateContainerCmdModifier(cmd -> cmd.withHealthcheck(new HealthCheck().withTest(healthCheck)
                .withInterval(TimeUnit.SECONDS.toNanos(1)).withTimeout(TimeUnit.SECONDS.toNanos(3))
                .withRetries(3).withStartPeriod(0L)));
        withCopyToContainer(Transferable.of(config), "/etc/sekisho/sekisho.yaml");
        // The key file is the owner's only (0600) and copies arrive owned by root: 0644 lets the
        // image's sekisho user read this throw-away key. A real deployment mounts it owned by
        // uid 10001 (or as a Kubernetes Secret with fsGroup), see deploy/README.md.
        withCopyToContainer(MountableFile.forHostPath(key, 0644), "/etc/sekisho/quarantine.key");
        withCopyToContainer(MountableFile.forHostPath(catalogue), "/var/lib/sekisho/catalogue");
        waitingFor(LoopbackPorts.listening(smtpPort, icapPort, httpPort, adminPort));
    }

    /** Docker's verdict from the image's HEALTHCHECK: starting, healthy or unhealthy. */
    String health() {
        return getCurrentContainerInfo().getState().getHealth().getStatus();
    }

    /** GET on the operations endpoints: the status line's code and the body. */
    java.net.http.HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + path)).timeout(java.time.Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the image's own {@code sekisho} command inside the running container. */
    Container.ExecResult sekisho(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sekisho"));
        cmd.addAll(List.of(args));
        return execInContainer(cmd.toArray(String[]::new));
    }

    static String resource(String name) {
        try (InputStream in = SekishoContainer.class.getResourceAsStream(DEMO + name)) {
            assertThat(in).as("bundled sample " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(String name, Path dir) throws IOException {
        return Files.writeString(dir.resolve(Path.of(name).getFileName().toString()), resource(name));
    }

    /** The packaged jar, as an administrator runs it on the host to prepare the volumes. */
    private static void jar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", DeployImages.JAR.toString()));
        cmd.addAll(List.of(args));
        ExternalTools.Result r = ExternalTools.run(cmd);
        assertThat(r.exitCode()).as("%s\n%s", cmd, r.output()).isZero();
    }
}
