package dev.cscs.core.constraint;

import static dev.cscs.core.testing.Chains.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstraintsTest {
    private static final Constraints GUARDS = Constraints.parse(json("""
            {"sshd": {"fields": {"settings.PermitRootLogin": {"oneOf": ["no", "prohibit-password"]},
                                 "settings.PasswordAuthentication": {"oneOf": ["no"]},
                                 "settings.KbdInteractiveAuthentication": {"oneOf": ["no"]}}},
             "sysctl": {"names": ["net.ipv4.*", "kernel.kptr_restrict"]},
             "yum": {"urlPrefixes": ["https://mirror.example/"], "fields": {"gpgcheck": {"oneOf": [true]}}},
             "apt": {"urlPrefixes": ["https://deb.debian.org/debian/"], "fields": {"signedBy": {"required": true}}},
             "firewall": {"keepAccepting": [{"proto": "tcp", "dport": 22, "saddr": "10.0.0.0/8"}]}}
            """), "constraints");

    private static List<String> broken(String key, String value) {
        return GUARDS.check(key, json(value)).stream().map(Violation::constraint).toList();
    }

    @Test
    void sshdOptionsOutsideTheAllowedValuesAreRefusedWhateverTheirCase() {
        assertThat(broken("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"no\"}}")).isEmpty();
        assertThat(broken("sshd/hardening", "{\"settings\": {\"PermitRootLogin\": \"yes\"}}"))
                .containsExactly("sshd.fields.settings.PermitRootLogin");
        assertThat(broken("sshd/sneaky", "{\"settings\": {\"permitrootlogin\": \"YES\"}}"))
                .containsExactly("sshd.fields.settings.PermitRootLogin");
        assertThat(broken("sshd/sneaky", "{\"settings\": {\"PermitRootLogin\": true}}"))
                .containsExactly("sshd.fields.settings.PermitRootLogin");
        assertThat(broken("sshd/ok", "{\"settings\": {\"permitrootlogin\": \"NO\"}}")).isEmpty();
        // sshd reads ChallengeResponseAuthentication as KbdInteractiveAuthentication
        assertThat(broken("sshd/alias", "{\"settings\": {\"ChallengeResponseAuthentication\": \"yes\"}}"))
                .containsExactly("sshd.fields.settings.KbdInteractiveAuthentication");
        // a look-alike outside ASCII is not folded to an allowed value
        assertThat(broken("sshd/lookalike", "{\"settings\": {\"PasswordAuthentication\": \"n\u00f8\"}}")).hasSize(1);
    }

    @Test
    void sysctlKeysOutsideTheListedNamesAreRefused() {
        assertThat(broken("sysctl/net.ipv4.ip_forward", "{\"value\": \"0\"}")).isEmpty();
        assertThat(broken("sysctl/kernel.kptr_restrict", "{\"value\": \"2\"}")).isEmpty();
        assertThat(broken("sysctl/kernel.modprobe", "{\"value\": \"/tmp/x\"}")).containsExactly("sysctl.names");
        assertThat(broken("sysctl/net.ipv6.conf.all.forwarding", "{\"value\": \"1\"}")).containsExactly("sysctl.names");
    }

    @Test
    void everyUrlOfARepositoryMustStartWithAListedPrefix() {
        assertThat(broken("yum/epel", "{\"baseurl\": \"https://mirror.example/epel/9/\"}")).isEmpty();
        assertThat(broken("yum/evil", "{\"baseurl\": \"https://mirror.example.evil.test/epel/\"}")).containsExactly("yum.urlPrefixes");
        assertThat(broken("yum/mixed", "{\"baseurl\": [\"https://mirror.example/a/\", \"http://evil.test/\"]}"))
                .containsExactly("yum.urlPrefixes");
        assertThat(broken("yum/key", "{\"baseurl\": \"https://mirror.example/a/\", \"gpgkey\": \"file:///etc/pki/evil\"}"))
                .containsExactly("yum.urlPrefixes");
        assertThat(broken("yum/upper", "{\"baseurl\": \"HTTPS://mirror.example/a/\"}")).containsExactly("yum.urlPrefixes");
        assertThat(broken("yum/nogpg", "{\"baseurl\": \"https://mirror.example/a/\", \"gpgcheck\": false}"))
                .containsExactly("yum.fields.gpgcheck");
        assertThat(broken("apt/debian", "{\"uris\": [\"https://deb.debian.org/debian/\"], \"signedBy\": "
                + "\"-----BEGIN PGP PUBLIC KEY BLOCK-----\\nComment: https://keys.example/\\n\"}")).isEmpty();
        assertThat(broken("apt/unsigned", "{\"uris\": [\"https://deb.debian.org/debian/\"]}")).containsExactly("apt.fields.signedBy");
    }

    @Test
    void aFirewallValueMustKeepAcceptingTheManagementTrafficBeforeAnythingDropsIt() {
        String keep = "firewall.keepAccepting[0]";
        assertThat(broken("firewall/base", "{\"policy\": \"drop\", \"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\","
                + " \"dport\": 22, \"saddr\": \"10.0.0.0/8\"}]}")).isEmpty();
        assertThat(broken("firewall/open", "{\"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\", \"dport\": 443}]}")).isEmpty();
        assertThat(broken("firewall/closed", "{\"policy\": \"drop\", \"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\", \"dport\": 443}]}"))
                .containsExactly(keep);
        assertThat(broken("firewall/early-drop", "{\"rules\": [{\"action\": \"drop\", \"proto\": \"tcp\", \"dport\": \"20-30\"},"
                + " {\"action\": \"accept\", \"proto\": \"tcp\", \"dport\": 22}]}")).containsExactly(keep);
        assertThat(broken("firewall/part", "{\"policy\": \"drop\", \"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\","
                + " \"dport\": 22, \"saddr\": \"10.1.0.0/16\"}]}")).containsExactly(keep);
        assertThat(broken("firewall/iface", "{\"policy\": {\"input\": \"drop\"}, \"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\","
                + " \"dport\": 22, \"iif\": \"eth0\"}]}")).containsExactly(keep);
        assertThat(broken("firewall/other-chain", "{\"rules\": [{\"action\": \"drop\", \"chain\": \"output\", \"proto\": \"tcp\"}]}")).isEmpty();
        assertThat(broken("firewall/v6", "{\"rules\": [{\"action\": \"drop\", \"saddr\": \"2001:db8::/32\"}]}")).isEmpty();
    }

    @Test
    void aChangesetBreakingAConstraintIsRefusedWithEveryConstraintItBreaks() {
        assertThatThrownBy(() -> GUARDS.require("plant", List.of(
                new Op.Put("sshd/a", json("{\"settings\": {\"PermitRootLogin\": \"yes\"}}")),
                new Op.Put("sysctl/kernel.sysrq", json("{\"value\": \"1\"}")),
                new Op.Delete("sshd/b"))))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT))
                .hasMessageContaining("domain plant: key sshd/a breaks constraint sshd.fields.settings.PermitRootLogin:"
                        + " settings.PermitRootLogin is \"yes\"; allowed: \"no\", \"prohibit-password\"")
                .hasMessageContaining("key sysctl/kernel.sysrq breaks constraint sysctl.names");
    }

    @Test
    void badConstraintsAreRefusedWithWhereAndWhy() {
        refused("{\"yum\": {\"urlPrefixes\": [\"https://mirror.example\"]}}", "constraints.yum.urlPrefixes[0]: \"https://mirror.example\" is not a URL prefix");
        refused("{\"sshd\": {\"keepAccepting\": []}}", "constraints.sshd.keepAccepting: only the firewall applier has it");
        refused("{\"firewall\": {\"keepAccepting\": [{\"proto\": \"tcp\", \"dport\": 22, \"saddr\": \"10.0.0.1/8\"}]}}",
                "constraints.firewall.keepAccepting[0].saddr: \"10.0.0.1/8\" has host bits set");
        refused("{\"sshd\": {\"fields\": {\"settings.PermitRootLogin\": {}}}}", "constrains nothing");
        refused("{\"sshd\": {}}", "constraints.sshd: empty");
        refused("{\"Sshd\": {\"names\": [\"a\"]}}", "is not an applier name");
        refused("{\"sysctl\": {\"names\": [\"a/b\"]}}", "constraints.sysctl.names[0]");
    }

    private static void refused(String constraints, String why) {
        assertThatThrownBy(() -> Constraints.parse(json(constraints), "constraints"))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED))
                .hasMessageContaining(why);
    }

    @Test
    void constraintsRoundTripThroughTheirJson() {
        assertThat(Constraints.parse(GUARDS.toTree(), "constraints")).isEqualTo(GUARDS);
    }
}
