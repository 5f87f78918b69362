package dev.cscs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signing key other users can open: refused when unencrypted, used with a warning when encrypted; the fix is named. */
class SigningKeyPermissionsTest {
    private static final String PREV = "sha256:" + "0".repeat(64);

    @TempDir
    Path dir;

    private CliRun sign(Path key, String... extra) {
        String[] base = {"sign", "--domain", "global", "--put", "sysctl/net.ipv4.ip_forward={\"value\":\"0\"}",
            "--seq", "1", "--prev", PREV, "--sign-with", key.toString(), "--out", dir.resolve("cs.json").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void aWorldReadableUnencryptedKeyIsRefusedNamingTheFileAndTheChmod() throws Exception {
        CliRun.of("keygen", "--out", dir.resolve("k").toString(), "--no-passphrase").ok();
        Path key = dir.resolve("k.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun r = sign(key);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("bad-key").contains(key + " is an unencrypted private key that other users can open")
                .contains("rw-r--r--").contains("chmod 600 " + key);
        assertThat(dir.resolve("cs.json")).doesNotExist();

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(sign(key).ok().err()).doesNotContain("warning");
    }

    @Test
    void aGroupReadableEncryptedKeyIsUsedWithAWarning() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "correct horse battery staple\n");
        CliRun.of("keygen", "--out", dir.resolve("e").toString(), "--passphrase-file", pass.toString()).ok();
        Path key = dir.resolve("e.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        CliRun r = sign(key, "--passphrase-file", pass.toString()).ok();
        assertThat(r.err()).contains("warning: " + key + " is readable by other users (mode rw-r-----)")
                .contains("chmod 600 " + key);
        assertThat(dir.resolve("cs.json")).exists();
    }

    @Test
    void aWorldReadableUnencryptedCaKeyIssuesNothing() throws Exception {
        Path ca = dir.resolve("ca");
        CliRun.of("ca", "init", "--out", ca.toString(), "--no-passphrase").ok();
        Files.setPosixFilePermissions(ca.resolve("ca.key"), PosixFilePermissions.fromString("rw-rw-rw-"));
        CliRun r = CliRun.of("ca", "issue", "n1", "--ca", ca.toString(), "--ip", "127.0.0.1", "--out", dir.resolve("n1").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("chmod 600 " + ca.resolve("ca.key"));
        assertThat(dir.resolve("n1.key")).doesNotExist();
    }
}
