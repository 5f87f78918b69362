package dev.cscs.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderMultiDocTest {
    @Test
    void documentsSeparatedByDashesAreReadInOrderWithFileLines() {
        List<YNode> docs = YamlReader.readAll("domain: a\n---\ndomain: b\n---\n", "p.yaml");
        assertThat(docs).hasSize(2);
        YNode.YMap second = (YNode.YMap) docs.get(1);
        assertThat(((YNode.YScalar) second.entries().get("domain")).text()).isEqualTo("b");
        assertThat(second.where().line()).isEqualTo(3);
    }

    @Test
    void aSingleDocumentIsAListOfOne() {
        assertThat(YamlReader.readAll("domain: a\n", "p.yaml")).hasSize(1);
        assertThat(YamlReader.readAll("", "p.yaml")).isEmpty();
    }

    @Test
    void aSyntaxErrorNamesTheDocumentAndTheLine() {
        assertThatThrownBy(() -> YamlReader.readAll("domain: a\n---\ndomain: [b\n", "p.yaml"))
                .isInstanceOf(CscsException.class).hasMessageStartingWith("document 2: p.yaml:");
    }

    @Test
    void aDuplicateKeyInALaterDocumentNamesIt() {
        assertThatThrownBy(() -> YamlReader.readAll("domain: a\n---\ndomain: b\n---\nx: 1\nx: 2\n", "p.yaml"))
                .isInstanceOf(CscsException.class).hasMessageContaining("document 3: p.yaml:6")
                .hasMessageContaining("duplicate");
    }

    @Test
    void aTagInADocumentIsRefusedWithItsIndex() {
        assertThatThrownBy(() -> YamlReader.readAll("a: 1\n---\nb: !custom x\n", "p.yaml"))
                .isInstanceOf(CscsException.class).hasMessageStartingWith("document 2: p.yaml:3");
    }
}
