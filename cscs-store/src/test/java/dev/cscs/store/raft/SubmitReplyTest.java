package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Digest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The state machine's one-line answer reads back as what was written, and anything else is refused by name. */
class SubmitReplyTest {
    @Property(tries = 200)
    void anAnswerReadsBackAsWritten(@ForAll @LongRange(min = 0) long revision, @ForAll @LongRange(min = 0) long seq,
                                    @ForAll byte[] content) {
        SubmitReply r = new SubmitReply(revision, "factory-a", seq, Digest.of(content));
        assertThat(SubmitReply.decode(r.encode())).isEqualTo(r);
        assertThat(SubmitReply.revisionOf(r.encode())).isEqualTo(revision);
    }

    @Property(tries = 500)
    void anyOtherTextDecodesOrIsRefusedAsUnreadable(@ForAll @StringLength(max = 120) String text) {
        try {
            SubmitReply r = SubmitReply.decode(text);
            assertThat(r.encode()).isEqualTo(text);
        } catch (CscsException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).startsWith("unreadable state machine reply");
        }
    }

    @Test
    void theAnswerToAnEntryThatIsNoChangesetIsItsRevision() {
        assertThat(SubmitReply.revisionOf("42")).isEqualTo(42);
        assertThatThrownBy(() -> SubmitReply.revisionOf("42x")).isInstanceOf(CscsException.class)
                .hasMessageContaining("unreadable state machine reply");
    }

    @Test
    void theJsonAnswerOfALeaderOfTheVersionBeforeIsStillRead() {
        Digest d = Digest.of(new byte[] {1});
        String old = "{\"revision\":42,\"domain\":\"global\",\"seq\":7,\"digest\":\"" + d + "\"}";
        assertThat(SubmitReply.decode(old)).isEqualTo(new SubmitReply(42, "global", 7, d));
        assertThat(SubmitReply.revisionOf("{\"revision\":42}")).isEqualTo(42);
        assertThatThrownBy(() -> SubmitReply.decode("{\"revision\":")).isInstanceOf(CscsException.class);
    }
}
