package io.sekisho.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class CaCommandTest {
    @TempDir
    Path tmp;

    @Test
    void initWritesAnOwnerOnlyKeyAndRefusesToOverwrite() throws Exception {
        Path dir = tmp.resolve("ca");
        Cli r = Cli.run("ca", "init", "--dir", dir);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ca.crt").contains("SHA-256 fingerprint");
        assertThat(Files.readString(dir.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        Cli again = Cli.run("ca", "init", "--dir", dir);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a CA");
    }
}
