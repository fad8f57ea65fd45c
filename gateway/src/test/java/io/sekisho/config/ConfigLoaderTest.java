package io.sekisho.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("sekisho.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void theIssueExampleLoadsWithDefaultsForEveryLimit() throws Exception {
        SekishoConfig c = ConfigLoader.load(write("""
                catalogue: /var/lib/sekisho/catalogue
                policy: /etc/sekisho/policy.yaml
                internalDomains: [corp.example.co.jp, lab.example.co.jp]
                smtp:
                  listen: 127.0.0.1:2525
                  nextHop: 127.0.0.1:2526
                  allowedClients: [127.0.0.0/8]
                audit:
                  dir: /var/lib/sekisho/audit
                quarantine:
                  dir: /var/lib/sekisho/quarantine
                """));
        assertThat(c.catalogue()).isEqualTo(Path.of("/var/lib/sekisho/catalogue"));
        assertThat(c.internalDomains()).containsExactly("corp.example.co.jp", "lab.example.co.jp");
        SmtpConfig s = c.smtp();
        assertThat(s.listen()).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(s.nextHop()).isEqualTo(new HostPort("127.0.0.1", 2526));
        assertThat(s.allowedClients()).extracting(Cidr::toString).containsExactly("127.0.0.0/8");
        assertThat(s.maxMessageBytes()).isEqualTo(25L * 1024 * 1024);
        assertThat(s.maxRecipients()).isEqualTo(100);
        assertThat(s.maxLineLength()).isEqualTo(512);
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.dataTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(s.tls()).isNull();
        assertThat(c.audit().dir()).isEqualTo(Path.of("/var/lib/sekisho/audit"));
        assertThat(c.quarantine().dir()).isEqualTo(Path.of("/var/lib/sekisho/quarantine"));
    }

    @Test
    void relativePathsResolveAgainstTheFilesFolder() throws Exception {
        SekishoConfig c = ConfigLoader.load(write("""
                catalogue: data/catalogue
                smtp:
                  listen: 127.0.0.1:0
                  nextHop: "[::1]:25"
                  spoolDir: ../spool
                  maxMessageBytes: 10MB
                  dataTimeout: 90s
                """));
        assertThat(c.catalogue()).isEqualTo(dir.toAbsolutePath().resolve("data/catalogue"));
        assertThat(c.smtp().spoolDir()).isEqualTo(dir.toAbsolutePath().getParent().resolve("spool"));
        assertThat(c.smtp().nextHop()).isEqualTo(new HostPort("::1", 25));
        assertThat(c.smtp().maxMessageBytes()).isEqualTo(10_000_000L);
        assertThat(c.smtp().dataTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void errorsNameFileLineAndKeyAndAreAllReported() throws Exception {
        Path f = write("""
                catalogue: c
                smtp:
                  listen: 127.0.0.1:2525
                  nextHop: nowhere
                  maxRecipient: 10
                  commandTimeout: forever
                  maxConnections: 0
                colour: blue
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigException.Problem::toString)
                        .containsExactly(
                                f + ":4: smtp.nextHop: 'nowhere' is not host:port (expected host:port)",
                                f + ":5: smtp.maxRecipient: unknown key (did you mean smtp.maxRecipients?)",
                                f + ":6: smtp.commandTimeout: 'forever' is not a duration like 30s, 5m or 500ms (expected duration)",
                                f + ":7: smtp.maxConnections: 0 is not between 1 and 100000 (expected integer 1..100000)",
                                f + ":8: colour: unknown key"));
    }

    @Test
    void requiredKeysAreReportedAtTheirSection() throws Exception {
        Path f = write("""
                policy: p.yaml
                smtp:
                  nextHop: 127.0.0.1:25
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ":1: catalogue: required")
                .hasMessageContaining(f + ":2: smtp.listen: required");
    }

    @Test
    void anOpenRelayIsRefused() throws Exception {
        Path f = write("""
                catalogue: c
                smtp:
                  listen: 0.0.0.0:25
                  nextHop: 10.0.0.1:25
                  allowedClients: [10.0.0.0/8, 0.0.0.0/0]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ":5: smtp.allowedClients: 0.0.0.0/0 admits every address");
    }

    @Test
    void tlsNeedsBothReadableFiles() throws Exception {
        Path f = write("""
                catalogue: c
                smtp:
                  listen: 127.0.0.1:25
                  nextHop: 10.0.0.1:25
                  tls:
                    certificate: missing.crt
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ":6: smtp.tls.key: required when smtp.tls.certificate is given");
        Path g = write("""
                catalogue: c
                smtp:
                  listen: 127.0.0.1:25
                  nextHop: 10.0.0.1:25
                  tls:
                    certificate: missing.crt
                    key: missing.key
                """);
        assertThatThrownBy(() -> ConfigLoader.load(g)).hasMessageContaining(g + ":6: smtp.tls.certificate: cannot read");
    }

    @Test
    void duplicateKeysAndBadYamlAreErrorsWithALine() throws Exception {
        Path f = write("catalogue: a\ncatalogue: b\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ":2: catalogue: given twice");
        Path g = write("catalogue: [a\n");
        assertThatThrownBy(() -> ConfigLoader.load(g)).hasMessageStartingWith(g + ":").hasMessageContaining("not valid YAML");
        Path h = write("smtp: 3\ncatalogue: c\n");
        assertThatThrownBy(() -> ConfigLoader.load(h)).hasMessage(h + ":1: smtp: is a section: expected keys under it");
    }

    @Test
    void withoutAdminAndLogSectionsThereIsNoAdminListenerAndTextLogsAtInfo() throws Exception {
        SekishoConfig c = ConfigLoader.load(write("catalogue: c\n"));
        assertThat(c.admin().listen()).isNull();
        assertThat(c.log().format()).isEqualTo("text");
        assertThat(c.log().json()).isFalse();
        assertThat(c.log().level()).isEqualTo("info");
    }

    @Test
    void adminListenAndLogKeysAreTyped() throws Exception {
        SekishoConfig c = ConfigLoader.load(write("""
                catalogue: c
                admin:
                  listen: 0.0.0.0:9090
                log:
                  format: json
                  level: debug
                """));
        assertThat(c.admin().listen()).isEqualTo(new HostPort("0.0.0.0", 9090));
        assertThat(c.log().json()).isTrue();
        assertThat(c.log().level()).isEqualTo("debug");
    }

    @Test
    void aBadAdminAddressOrLogValueIsAnErrorWithFileLineAndKey() throws Exception {
        Path f = write("""
                catalogue: c
                admin:
                  listen: localhost
                log:
                  format: yaml
                  level: verbose
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ":3: admin.listen: 'localhost' is not host:port (expected host:port)\n"
                + f + ":5: log.format: 'yaml' is not one of text | json (expected text | json)\n"
                + f + ":6: log.level: 'verbose' is not one of error | warn | info | debug | trace "
                + "(expected error | warn | info | debug | trace)");
        Path port = write("catalogue: c\nadmin:\n  listen: 127.0.0.1:http\n");
        assertThatThrownBy(() -> ConfigLoader.load(port)).hasMessage(port + ":3: admin.listen: '127.0.0.1:http': "
                + "the port is not a number (expected host:port)");
        Path unknown = write("catalogue: c\nadmin:\n  port: 9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknown)).hasMessage(unknown + ":3: admin.port: unknown key");
    }

    @Test
    void theAdminListenerCannotShareAPortWithAChannel() throws Exception {
        Path f = write("""
                catalogue: c
                http:
                  listen: 127.0.0.1:3128
                admin:
                  listen: 127.0.0.1:3128
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ":5: admin.listen: is http.listen as well: "
                + "give the operations endpoints a port of their own");
    }

    @Test
    void httpAndIcapSectionsAreTypedWithDefaults() throws Exception {
        Path f = write("""
                catalogue: c
                http:
                  listen: 127.0.0.1:3128
                  tls:
                    passThrough: [bank.example.com, pinned.example.org]
                icap:
                  listen: 127.0.0.1:1344
                """);
        SekishoConfig c = ConfigLoader.load(f);
        assertThat(c.http().listen()).isEqualTo(new HostPort("127.0.0.1", 3128));
        assertThat(c.http().maxBodyBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(c.http().tls().intercept()).containsExactly("all");
        assertThat(c.http().tls().passThrough()).containsExactly("bank.example.com", "pinned.example.org");
        assertThat(c.http().tls().ca()).isNull();
        assertThat(c.icap().previewBytes()).isEqualTo(4096);

        Path bad = write("""
                catalogue: c
                http:
                  listen: 127.0.0.1:3128
                  tls:
                    intercept: [all, example.com]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessageContaining(":5: http.tls.intercept: is either [all]");
        Path noListen = write("""
                catalogue: c
                icap: {}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(noListen)).hasMessageContaining("icap.listen: required");
    }

    @Test
    void cidrBlocksMatchTheirAddresses() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertThat(net.contains(java.net.InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(net.contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(net.contains(java.net.InetAddress.getByName("::ffff:10.1.0.9"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(java.net.InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(Cidr.parse("192.0.2.1").contains(java.net.InetAddress.getByName("192.0.2.2"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("mail.example.com/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The commented sample documents every key and loads as it is. */
    @Test
    void theDeploySampleNamesEveryKeyAndLoads() throws Exception {
        Path sample = Path.of("..", "deploy", "sekisho.yaml");
        String text = Files.readString(sample);
        for (Option<?> o : ConfigOptions.ALL) {
            String leaf = o.key().substring(o.key().lastIndexOf('.') + 1);
            assertThat(text).as("deploy/sekisho.yaml documents " + o.key()).containsPattern("(?m)^[ #]*" + leaf + ":");
            assertThat(text).as("deploy/sekisho.yaml gives the default of " + o.key()).contains(o.defaultText().replace("<", "<"));
        }
        SekishoConfig c = ConfigLoader.load(sample);
        assertThat(c.smtp().listen()).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(List.copyOf(ConfigOptions.ALL)).extracting(Option::key).doesNotHaveDuplicates();
    }
}
