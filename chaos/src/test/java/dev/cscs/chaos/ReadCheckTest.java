package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import org.junit.jupiter.api.Test;

/** ReadCheck over a history and a chain: reads of an absent key (null) are held to the register too. */
class ReadCheckTest {
    private final ChainFixture f = new ChainFixture();

    private ReadCheck check(String readValue) {
        Changeset w = f.commit("yum/r1", "w0-0");
        History h = new History();
        h.add(new History.Read("d1", "yum/r1", null, 0, 5, "n2"));
        h.add(ChainFixture.acked(w, 10, 20));
        h.add(new History.Read("d1", "yum/r1", readValue, 30, 40, "n3"));
        return new ReadCheck(h, f.check(h));
    }

    @Test
    void aReadOfTheAckedValueIsLinearizable() {
        ReadCheck r = check("w0-0");
        assertThat(r.linearizable).as("%s", r.issues).isTrue();
    }

    @Test
    void aNoKeyReadAfterAnAckedWriteIsNotLinearizable() {
        ReadCheck r = check(null);
        assertThat(r.linearizable).isFalse();
        assertThat(r.issues).singleElement().asString().startsWith("d1/yum/r1: NOT_LINEARIZABLE");
    }
}
