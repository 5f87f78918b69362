package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real dnf reads the .repo files the yum applier writes: every option is known to dnf and has a valid value. */
class YumDnfTest {
    static final String KITCHEN_SINK = """
            {"name": "Kitchen sink ${basearch}", "baseurl": ["https://a.example/el/$releasever/", "ftp://b.example/el/", "file:///srv/repo/"],
             "enabled": true, "gpgcheck": true, "repo_gpgcheck": false, "sslverify": true, "skip_if_unavailable": true,
             "module_hotfixes": false, "countme": true, "gpgkey": ["https://a.example/k1.asc", "file:///etc/pki/rpm-gpg/k2"],
             "priority": 50, "cost": 2000, "metadata_expire": 3600, "exclude": "kernel*", "includepkgs": ["bash", "glibc-*"]}""";

    final YumApplier yum = new YumApplier();
    @TempDir
    Path root;
    @TempDir
    Path work;

    @BeforeAll
    static void tools() {
        Tools.require("dnf", "dnf dnf-plugins-core");
    }

    private Proc.Result dump(String repoid) throws IOException {
        Path conf = work.resolve("dnf.conf");
        Files.writeString(conf, "[main]\n");
        return Tools.run("dnf", "--config=" + conf, "--releasever=9", "--setopt=reposdir=" + root.resolve("etc/yum.repos.d"),
                "--setopt=cachedir=" + work.resolve("cache"), "--setopt=logdir=" + work.resolve("logs"),
                "--disableplugin=local", "-C", "config-manager", "--dump", repoid);
    }

    @Test
    void dnfReadsEveryRepoFileWithTheValuesWritten() throws Exception {
        Support.converge(yum, List.of(entry("global", "epel", YumApplierTest.EPEL),
                entry("global", "internal", YumApplierTest.METALINK), entry("factory-a", "sink", KITCHEN_SINK),
                entry("factory-a", "mirrors", "{\"mirrorlist\": \"http://m.example/list?r=$releasever\", \"gpgcheck\": false}")),
                Support.offline(root));

        Proc.Result epel = dump("epel").requireOk();
        assertThat(epel.err()).doesNotContain("Warning", "failed loading", "Invalid configuration value");
        assertThat(epel.out()).contains("[epel]", "name = EPEL 9", "baseurl = https://mirror.example/epel/9/Everything/",
                "gpgcheck = 1", "enabled = 1", "priority = 10", "gpgkey = https://mirror.example/RPM-GPG-KEY-EPEL-9");

        Proc.Result sink = dump("sink").requireOk();
        assertThat(sink.err()).doesNotContain("Warning", "Invalid configuration value");
        assertThat(sink.out()).contains("baseurl = https://a.example/el/9/, ftp://b.example/el/, file:///srv/repo/",
                "gpgkey = https://a.example/k1.asc, file:///etc/pki/rpm-gpg/k2", "cost = 2000", "metadata_expire = 3600",
                "includepkgs = bash, glibc-*", "skip_if_unavailable = 1", "countme = 1");

        assertThat(dump("internal").requireOk().out()).contains("metalink = https://mirrors.example/metalink?repo=epel-9&arch=",
                "enabled = 0", "metadata_expire = 21600", "excludepkgs = kernel*, foo");
        assertThat(dump("mirrors").requireOk().out()).contains("mirrorlist = http://m.example/list?r=9", "gpgcheck = 0");
    }

    @Test
    void dnfsOwnParserAcceptsEveryOptionName() throws Exception {
        Support.converge(yum, List.of(entry("global", "epel", YumApplierTest.EPEL),
                entry("global", "internal", YumApplierTest.METALINK), entry("factory-a", "sink", KITCHEN_SINK)),
                Support.offline(root));
        Path script = Tools.resource("dnf_strict_check.py", work);
        try (var files = Files.list(root.resolve("etc/yum.repos.d"))) {
            List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
            files.map(Path::toString).sorted().forEach(argv::add);
            Proc.Result r = Proc.run(argv, 60);
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("ok [sink] countme=1", "ok [internal] metadata_expire=6h");
        }
    }

    @Test
    void theChecksCanFailABrokenFile() throws Exception {
        Path dir = Files.createDirectories(root.resolve("etc/yum.repos.d"));
        Files.writeString(dir.resolve("broken.repo"), "[broken]\nbaseurl=https://a.example/\nthis line has no equals sign\n");
        Files.writeString(dir.resolve("typo.repo"), "[typo]\nbasurl=https://a.example/\nenabled=maybe\n");
        Proc.Result r = dump("broken");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("failed loading");
        Proc.Result strict = Proc.run(List.of("/usr/bin/python3", Tools.resource("dnf_strict_check.py", work).toString(),
                dir.resolve("typo.repo").toString()), 60);
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(strict.out()).contains("unknown option basurl", "invalid boolean value 'maybe'");
    }
}
