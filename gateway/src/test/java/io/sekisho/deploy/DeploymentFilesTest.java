package io.sekisho.deploy;

import io.sekisho.config.Cidr;
import io.sekisho.config.ConfigLoader;
import io.sekisho.config.HostPort;
import io.sekisho.config.SekishoConfig;
import io.sekisho.receive.http.InterceptionCa;
import io.sekisho.receive.smtp.ExternalTools;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files in deploy/ that no container here runs as a whole (Compose needs Docker's
 * bridge, Kubernetes a cluster, systemd a booted system) are checked the way their tools check
 * them where a tool exists here (docker-compose config, systemd-analyze verify), and against
 * each other: every port, path and address one file names must be what the other side of the
 * wire listens on, and every Sekisho configuration in them must load with the real loader.
 */
class DeploymentFilesTest {
    private static final Path DEPLOY = DeployImages.ROOT.resolve("deploy");

    // --- Docker Compose ---------------------------------------------------------------------

    @Test
    void dockerComposeAcceptsTheComposeFile() throws Exception {
        Path compose = ExternalTools.require("docker-compose", "docker-compose", "/usr/bin/docker-compose",
                "/usr/local/bin/docker-compose");
        ExternalTools.Result r = ExternalTools.run(List.of(compose.toString(), "-f",
                DEPLOY.resolve("docker-compose.yml").toString(), "config", "-q"));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void composeServicesPointAtWhatSekishoListensOn() throws Exception {
        Map<String, Object> services = map(yaml(DEPLOY.resolve("docker-compose.yml")), "services");
        Map<String, Object> sekisho = map(services, "sekisho");
        Path configFile = bindSource(sekisho, "/etc/sekisho/sekisho.yaml");
        SekishoConfig config = ConfigLoader.load(configFile);

        // The company's Postfix relays to Sekisho's SMTP listener, by service name.
        Map<String, Object> mailEnv = map(map(services, "mail"), "environment");
        assertThat(mailEnv.get("POSTFIX_RELAYHOST")).isEqualTo("[sekisho]:" + config.smtp().listen().port());
        // Sekisho relays to the internet stand-in, on the port its sink listens on.
        String sink = (String) map(map(services, "internet"), "environment").get("SINK_LISTEN");
        assertThat(config.smtp().nextHop()).isEqualTo(new HostPort("internet", HostPort.parse(sink).port()));
        // Squid asks Sekisho's ICAP service.
        assertThat(map(map(services, "squid"), "environment").get("SEKISHO_ICAP"))
                .isEqualTo("icap://sekisho:" + config.icap().listen().port() + "/reqmod");
        // Only the mail service may relay, and it is allowed to.
        InetAddress mailAddress = InetAddress.getByName((String) map(map(map(services, "mail"), "networks"), "dlp").get("ipv4_address"));
        InetAddress squidAddress = InetAddress.getByName((String) map(map(map(services, "squid"), "networks"), "dlp").get("ipv4_address"));
        assertThat(config.smtp().allowedClients()).anyMatch(c -> c.contains(mailAddress));
        String subnet = (String) ((Map<?, ?>) ((List<?>) map(map(map(yaml(DEPLOY.resolve("docker-compose.yml")), "networks"), "dlp"), "ipam")
                .get("config")).get(0)).get("subnet");
        assertThat(Cidr.parse(subnet).contains(squidAddress)).isTrue();
        // The operations port is published and is the one the image's health check asks.
        int admin = adminPort(configFile);
        assertThat(strings(sekisho.get("ports"))).contains("127.0.0.1:" + admin + ":" + admin);
        assertThat(Files.readString(DEPLOY.resolve("Dockerfile"))).contains("SEKISHO_ADMIN_PORT=" + admin);
        // The paths it names are the image's volumes, and the key comes from the init service's volume.
        assertThat(config.catalogue()).isEqualTo(Path.of("/var/lib/sekisho/catalogue"));
        assertThat(config.quarantine().key().toString()).startsWith("/var/lib/sekisho/keys/");
        assertThat(strings(sekisho.get("volumes"))).contains("keys:/var/lib/sekisho/keys:ro", "catalogue:/var/lib/sekisho/catalogue:ro");
    }

    @Test
    void everyComposeBuildAndMountExists() throws IOException {
        Map<String, Object> services = map(yaml(DEPLOY.resolve("docker-compose.yml")), "services");
        for (Map.Entry<String, Object> e : services.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) e.getValue();
            if (service.get("build") instanceof Map<?, ?> build) {
                Path context = DEPLOY.resolve((String) build.get("context")).normalize();
                assertThat(context.resolve((String) build.get("dockerfile"))).as(e.getKey()).isRegularFile();
            }
            for (Object v : (List<?>) service.getOrDefault("volumes", List.of())) {
                String source = v.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DEPLOY.resolve(source).normalize()).as(e.getKey() + " mounts " + source).exists();
                }
            }
        }
        // The init service registers the bundled samples by name: they must be in the mounted folder.
        Map<String, Object> init = map(services, "init");
        Path samples = bindSource(init, "/samples");
        String script = String.valueOf(init.get("command"));
        Matcher files = Pattern.compile("[^\\s;]+\\.txt").matcher(script);
        int n = 0;
        while (files.find()) {
            assertThat(samples.resolve(files.group())).isRegularFile();
            n++;
        }
        assertThat(n).isEqualTo(4);
    }

    // --- The image's own configuration -------------------------------------------------------

    @Test
    void theImagesDefaultConfigurationLoads() throws Exception {
        SekishoConfig config = ConfigLoader.load(DEPLOY.resolve("container/sekisho.yaml"));
        assertThat(config.smtp().allowedClients()).isNotEmpty();
        assertThat(Files.readString(DEPLOY.resolve("Dockerfile")))
                .contains("SEKISHO_ADMIN_PORT=" + adminPort(DEPLOY.resolve("container/sekisho.yaml")))
                .contains("USER sekisho").contains("HEALTHCHECK");
    }

    // --- Kubernetes --------------------------------------------------------------------------

    @Test
    void kubernetesManifestsAgreeWithTheConfigurationTheyCarry() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        Path dir = DEPLOY.resolve("kubernetes");
        for (Object resource : (List<?>) yaml(dir.resolve("kustomization.yaml")).get("resources")) {
            Path file = dir.resolve((String) resource);
            assertThat(file).isRegularFile();
            for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) doc;
                docs.add(m);
            }
        }
        Map<String, Object> configMap = kind(docs, "ConfigMap");
        String sekishoYaml = (String) map(configMap, "data").get("sekisho.yaml");
        // The loader checks that the interception CA exists: give it one where the Secret would be.
        Path tmp = Files.createTempDirectory("sekisho-k8s");
        Path ca = tmp.resolve("ca");
        InterceptionCa.create(ca, "test");
        assertThat(sekishoYaml).contains("ca: /etc/sekisho/ca\n");
        Path loaded = Files.writeString(tmp.resolve("sekisho.yaml"), sekishoYaml.replace("ca: /etc/sekisho/ca\n", "ca: " + ca + "\n"));
        SekishoConfig config = ConfigLoader.load(loaded);
        int admin = adminPort(loaded);

        Map<String, Object> pod = map(map(kind(docs, "Deployment"), "spec"), "template");
        Map<String, Object> podSpec = map(pod, "spec");
        assertThat(map(podSpec, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(Files.readString(DEPLOY.resolve("Dockerfile"))).contains("--uid 10001");
        @SuppressWarnings("unchecked")
        Map<String, Object> container = (Map<String, Object>) ((List<?>) podSpec.get("containers")).get(0);
        assertThat(map(container, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(map(map(container, "resources"), "limits")).containsKey("memory");

        Map<String, Integer> ports = new java.util.HashMap<>();
        for (Object p : (List<?>) container.get("ports")) {
            Map<?, ?> port = (Map<?, ?>) p;
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertThat(ports).containsEntry("smtp", config.smtp().listen().port())
                .containsEntry("http-proxy", config.http().listen().port())
                .containsEntry("icap", config.icap().listen().port())
                .containsEntry("admin", admin);
        assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/healthz").containsEntry("port", "admin");
        assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/readyz").containsEntry("port", "admin");

        // Every mount has a volume, every claim is declared, and every path the configuration
        // writes to is on a writable mount (the root file system is read only).
        List<String> volumes = ((List<?>) podSpec.get("volumes")).stream().map(v -> (String) ((Map<?, ?>) v).get("name")).toList();
        List<String> writable = new ArrayList<>();
        for (Object m : (List<?>) container.get("volumeMounts")) {
            Map<?, ?> mount = (Map<?, ?>) m;
            assertThat(volumes).contains((String) mount.get("name"));
            if (!Boolean.TRUE.equals(mount.get("readOnly"))) {
                writable.add((String) mount.get("mountPath"));
            }
        }
        List<String> claims = docs.stream().filter(d -> "PersistentVolumeClaim".equals(d.get("kind")))
                .map(d -> (String) map(d, "metadata").get("name")).toList();
        for (Object v : (List<?>) podSpec.get("volumes")) {
            Object pvc = ((Map<?, ?>) v).get("persistentVolumeClaim");
            if (pvc != null) {
                assertThat(claims).contains((String) ((Map<?, ?>) pvc).get("claimName"));
            }
        }
        for (Path p : List.of(config.audit().dir(), config.quarantine().dir(), config.smtp().spoolDir(), config.http().spoolDir())) {
            assertThat(writable).as("%s is on a writable mount", p).anyMatch(w -> p.startsWith(w));
        }

        // The policy comes from its own ConfigMap, mounted where the configuration looks for it.
        assertThat(((List<?>) container.get("volumeMounts")).stream().map(m -> (Map<?, ?>) m)
                .filter(m -> "policy".equals(m.get("name"))).map(m -> Path.of((String) m.get("mountPath"))))
                .containsExactly(config.policy().getParent());
        assertThat(((List<?>) podSpec.get("volumes")).stream().map(v -> (Map<?, ?>) v)
                .filter(v -> "policy".equals(v.get("name"))).map(v -> String.valueOf(((Map<?, ?>) v.get("configMap")).get("name"))))
                .containsExactly("sekisho-policy");

        // The Service forwards to the container ports by name.
        for (Object p : (List<?>) map(kind(docs, "Service"), "spec").get("ports")) {
            assertThat(ports).containsKey((String) ((Map<?, ?>) p).get("targetPort"));
        }
    }

    // --- systemd -----------------------------------------------------------------------------

    @Test
    void systemdAcceptsTheUnitAndItIsSandboxed() throws Exception {
        Path analyze = ExternalTools.require("systemd-analyze", "systemd", "/usr/bin/systemd-analyze", "/bin/systemd-analyze");
        Path unit = DEPLOY.resolve("systemd/sekisho.service");
        ExternalTools.Result r = ExternalTools.run(List.of(analyze.toString(), "verify", unit.toString()));
        // verify exits 0 even for unknown keys; what it prints is the verdict.
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).as("systemd-analyze verify").isBlank();
        assertThat(Files.readAllLines(unit)).contains("User=sekisho", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "CapabilityBoundingSet=", "PrivateTmp=yes", "KillMode=mixed");
    }

    // -----------------------------------------------------------------------------------------

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertThat(v).as("key %s in %s", key, m.keySet()).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/kubernetes"));
    }

    /** The host side of a compose bind mount onto {@code target}, resolved against deploy/. */
    private static Path bindSource(Map<String, Object> service, String target) {
        for (Object v : (List<?>) service.get("volumes")) {
            String[] parts = v.toString().split(":");
            if (parts[1].equals(target)) {
                return DEPLOY.resolve(parts[0]).normalize();
            }
        }
        throw new AssertionError("nothing is mounted at " + target);
    }

    /** admin.listen's port, read from the file as written (the operations endpoints' port). */
    private static int adminPort(Path sekishoYaml) throws IOException {
        Object listen = map(yaml(sekishoYaml), "admin").get("listen");
        return HostPort.parse(String.valueOf(listen)).port();
    }
}
