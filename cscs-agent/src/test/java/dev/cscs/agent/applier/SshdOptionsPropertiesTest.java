package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No sshd value cscs accepts names an arbitrary file: for every accepted option and hostile,
 * path-shaped or random values, whatever validation lets through has no token starting with
 * '/' or '~' (a path sshd could read), except Banner's fixed public files.
 */
class SshdOptionsPropertiesTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> PATHS = List.of("/etc/shadow", "/root/.ssh/id_ed25519", "/etc/issue", "/etc/issue.net",
            "none", "/etc/issue.net/", "/etc//issue", "/etc/../etc/shadow", "../etc/shadow", "~/.ssh/authorized_keys",
            "%h/.ssh/authorized_keys", "/dev/stdin", "/proc/self/environ", "admin", "ops@10.0.0.0/8", "a@/etc/shadow",
            "/etc/shadow@x", "aes256-gcm@openssh.com", "publickey", "yes", "10", "30s", "10:30:100", ".", "/");
    final SshdApplier sshd = new SshdApplier();

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> pathy = Arbitraries.strings().withChars("/~.%@a-z0-9 ,:").ofMinLength(1).ofMaxLength(40);
        return Arbitraries.oneOf(Arbitraries.of(PATHS), pathy, Arbitraries.of(PATHS).list().ofMaxSize(3)
                .map(l -> String.join(" ", l)));
    }

    @Provide
    Arbitrary<String> options() {
        return Arbitraries.of(SshdOptions.names());
    }

    @Property(tries = 4000)
    void noAcceptedValueNamesAnArbitraryPath(@ForAll("options") String option, @ForAll("values") String text,
                                             @ForAll boolean asList) {
        ObjectNode settings = F.objectNode();
        if (asList) {
            ArrayNode a = settings.putArray(option);
            for (String part : text.split(" ")) {
                a.add(part);
            }
        } else {
            settings.put(option, text);
        }
        JsonNode value = F.objectNode().set("settings", settings);
        Map<String, String> accepted;
        try {
            accepted = sshd.settings("h", value);
        } catch (CscsException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
            return;
        }
        accepted.forEach((name, rendered) -> {
            for (String token : rendered.split("[ ,]")) {
                if (name.equals("Banner")) {
                    assertThat(token).isIn("none", "/etc/issue", "/etc/issue.net");
                } else {
                    assertThat(token).as("%s %s", name, rendered).doesNotStartWith("/").doesNotStartWith("~");
                    int at = token.indexOf('@');
                    assertThat(token.indexOf('/') < 0 || (at >= 0 && at < token.indexOf('/')))
                            .as("%s %s: a '/' only in the host part of a pattern", name, rendered).isTrue();
                }
            }
        });
    }

    @Property(tries = 300)
    void everyForbiddenOptionIsRefusedWhateverItsValue(@ForAll("values") String text) {
        for (String option : SshdOptions.forbidden()) {
            ObjectNode settings = F.objectNode().put(option, text);
            Throwable t = catchThrowable(() -> sshd.settings("h", F.objectNode().set("settings", settings)));
            assertThat(t).isInstanceOf(CscsException.class).hasMessageContaining("which cscs does not allow");
        }
    }
}
