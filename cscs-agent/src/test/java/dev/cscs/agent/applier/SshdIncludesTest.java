package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The staged main file names the staged drop-ins where, and only where, the live one names the live drop-ins. */
class SshdIncludesTest {
    static final Path LIVE = Path.of("/etc/ssh/sshd_config.d");
    static final Path STAGED = Path.of("/var/lib/cscs/agent/sshd-check-1/sshd_config.d");

    @Test
    void theDebianIncludeNamesTheStagedDirectoryAndKeepsItsGlob() {
        assertThat(SshdIncludes.redirect("Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n", LIVE, STAGED))
                .isEqualTo("Include " + STAGED + "/*.conf\nPort 22\n");
    }

    @Test
    void relativeArgumentsAreResolvedUnderEtcSshAsSshdDoes() {
        assertThat(SshdIncludes.redirect("  include sshd_config.d/*.conf other.conf", LIVE, STAGED))
                .isEqualTo("  include " + STAGED + "/*.conf other.conf");
    }

    @Test
    void anEqualsSignAndAnyCaseAreIncludesToo() {
        assertThat(SshdIncludes.redirect("INCLUDE=/etc/ssh/sshd_config.d/90-cscs.conf", LIVE, STAGED))
                .isEqualTo("INCLUDE " + STAGED + "/90-cscs.conf");
    }

    @Test
    void everythingElseIsLeftAsItIs() {
        String main = "# Include /etc/ssh/sshd_config.d/*.conf\nInclude /etc/ssh/other.d/*.conf\n"
                + "Include \"/etc/ssh/sshd_config.d/a b.conf\"\nIncludeX /etc/ssh/sshd_config.d/x\nMatch User x\n  Banner none";
        assertThat(SshdIncludes.redirect(main, LIVE, STAGED)).isEqualTo(main);
    }
}
