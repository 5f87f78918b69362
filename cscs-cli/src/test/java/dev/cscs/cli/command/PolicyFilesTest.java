package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilesTest {
    private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

    private static List<String> domains(List<PolicyFiles.Policy> ps) {
        return ps.stream().map(PolicyFiles.Policy::domain).toList();
    }

    @Test
    void aMultiDocumentFileGivesOnePolicyPerDomainInOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, "domain: global\nentries:\n  sysctl/a: {value: \"1\"}\n---\ndomain: factory-a\nentries: {}\n");
        List<PolicyFiles.Policy> ps = PolicyFiles.read(f, NO_STDIN);
        assertThat(domains(ps)).containsExactly("global", "factory-a");
        assertThat(ps.get(0).entries()).containsOnlyKeys("sysctl/a");
        assertThat(ps.get(1).entries()).isEmpty();
    }

    @Test
    void aDirectoryIsEveryYamlFileInNameOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.yml"), "domain: factory-a\n");
        Files.writeString(dir.resolve("a.yaml"), "domain: global\n");
        Files.writeString(dir.resolve("notes.txt"), "domain: ignored\n");
        assertThat(domains(PolicyFiles.read(dir, NO_STDIN))).containsExactly("global", "factory-a");
    }

    @Test
    void dashReadsStdin() {
        InputStream in = new ByteArrayInputStream("domain: global\n---\ndomain: factory-a\n".getBytes(StandardCharsets.UTF_8));
        assertThat(domains(PolicyFiles.read(Path.of("-"), in))).containsExactly("global", "factory-a");
    }

    @Test
    void aDomainGivenTwiceIsRefusedNamingBothPlaces(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "domain: global\n");
        Files.writeString(dir.resolve("b.yaml"), "domain: global\n");
        assertThatThrownBy(() -> PolicyFiles.read(dir, NO_STDIN)).isInstanceOf(CscsException.class)
                .hasMessageContaining("b.yaml:1:1: domain global is already given at").hasMessageContaining("a.yaml:1:1");
    }

    @Test
    void aBadSecondDocumentIsNamedByIndexAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, "domain: global\n---\ndomain: factory-a\nentrys: {}\n");
        assertThatThrownBy(() -> PolicyFiles.read(f, NO_STDIN)).isInstanceOf(CscsException.class)
                .hasMessageContaining("document 2: ").hasMessageContaining("p.yaml:4:1: unknown key \"entrys\"");
    }

    @Test
    void anEmptyDirectoryIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> PolicyFiles.read(dir, NO_STDIN)).hasMessageContaining("no *.yaml or *.yml file");
    }
}
