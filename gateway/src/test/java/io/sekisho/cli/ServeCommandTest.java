package io.sekisho.cli;

import io.sekisho.admin.Logging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreLogging() {
        // serve applies log.level (info by default) to the whole JVM; later tests keep logback.xml's.
        Logging.restoreDefaults();
    }

    /** {@code sekisho serve} refuses {@code yaml} with exit code 2 and exactly {@code error} after the file name. */
    private void assertRefused(String yaml, String error) throws Exception {
        Path config = dir.resolve("sekisho.yaml");
        Files.writeString(config, yaml);
        Cli r = Cli.run("serve", "--config", config);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("sekisho: " + config + error + System.lineSeparator());
    }

    @Test
    void aBadConfigurationIsOneClearErrorPerProblemAndExitCode2() throws Exception {
        assertRefused("catalogue: c\nsmtp:\n  listen: 127.0.0.1:2525\n  nextHop: 127.0.0.1:2526\n  maxRecipients: lots\n",
                ":5: smtp.maxRecipients: 'lots' is not a whole number (expected integer 1..100000)");
    }

    @Test
    void aConfigurationWithoutAnyChannelSaysWhatIsMissing() throws Exception {
        Path config = dir.resolve("sekisho.yaml");
        Files.writeString(config, "catalogue: c\n");
        Cli r = Cli.run("serve", "--config", config);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(config + ":1: smtp, http, icap: none is configured");
    }

    @Test
    void aBadAdminAddressIsAnErrorWithFileAndLine() throws Exception {
        assertRefused("catalogue: c\nhttp:\n  listen: 127.0.0.1:0\nadmin:\n  listen: 9090\n",
                ":5: admin.listen: '9090' is not host:port (expected host:port)");
    }

    @Test
    void aMissingFileIsAnError() {
        Cli r = Cli.run("serve", "--config", dir.resolve("none.yaml"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("none.yaml:0: cannot read");
    }

    @Test
    void aMissingQuarantineKeyIsNamedWithHowToMakeOne() throws Exception {
        Path config = dir.resolve("sekisho.yaml");
        Files.writeString(config, "catalogue: c\nsmtp:\n  listen: 127.0.0.1:0\n  nextHop: 127.0.0.1:2526\n"
                + "audit:\n  dir: audit\nquarantine:\n  dir: q\n  key: q.key\n");
        Cli r = Cli.run("serve", "--config", config);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("sekisho: " + config + ": quarantine.key: " + dir.resolve("q.key") + " does not exist: "
                + "create it with 'sekisho quarantine keygen --key ");
    }
}
