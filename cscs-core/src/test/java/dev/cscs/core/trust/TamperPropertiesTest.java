package dev.cscs.core.trust;

import static dev.cscs.core.testing.Chains.next;
import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Any tampering with a signed changeset is caught, whatever byte or field it touches. */
class TamperPropertiesTest {
    private static final ChainState STATE = Chains.state();
    private static final Changeset SIGNED = signed(next(STATE, "factory-a",
            put("yum/epel", "{\"name\":\"EPEL\",\"baseurl\":\"https://mirror.example/epel/9/\",\"gpgcheck\":true,\"priority\":10}"),
            put("sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}"),
            new Op.Delete("sysctl/kernel.sysrq")), Chains.signerA());
    private static final byte[] ENCODED = ChangesetCodec.toCompactJson(SIGNED);

    @Property(tries = 2000)
    void anySingleChangedByteIsRejected(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
                                        @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] tampered = ENCODED.clone();
        int i = position % tampered.length;
        tampered[i] = (byte) (tampered[i] ^ xor);

        assertThatThrownBy(() -> STATE.check(ChangesetCodec.parse(tampered, Limits.DEFAULT)))
                .isInstanceOf(CscsException.class);
    }

    @Property(tries = 300)
    void theUntamperedChangesetIsAccepted(@ForAll("whitespace") String indent) {
        // Re-encoding (pretty, compact) is not tampering: the signature covers the canonical body.
        byte[] pretty = new String(ChangesetCodec.toPrettyJson(SIGNED)).replace("  ", indent).getBytes();
        assertThat(STATE.check(ChangesetCodec.parse(pretty, Limits.DEFAULT)).seq()).isEqualTo(1);
    }

    @Provide
    Arbitrary<String> whitespace() {
        return Arbitraries.of(" ", "  ", "\t", " \t");
    }

    @Property(tries = 200)
    void aSignedOpMovedToAnotherKeyIsRejected(@ForAll("keyNames") String otherName) {
        Op.Put original = (Op.Put) SIGNED.body().ops().get(0);
        Assume.that(!("yum/" + otherName).equals(original.key()));
        Changeset moved = withOps(List.of(new Op.Put("yum/" + otherName, original.value()),
                SIGNED.body().ops().get(1), SIGNED.body().ops().get(2)));
        assertRejected(STATE, moved, ErrorCode.BAD_SIGNATURE);
    }

    @Property(tries = 50)
    void aSignedChangesetMovedToAnotherDomainIsRejected(@ForAll("domains") String domain) {
        ChangesetBody b = SIGNED.body();
        Changeset moved = new Changeset(new ChangesetBody(domain, b.seq(), STATE.head(domain).digest(), b.issued(), b.ops(),
                b.comment()), SIGNED.signatures());
        // another domain's signers: the key is not authorized there
        assertRejected(STATE, moved, ErrorCode.UNAUTHORIZED_KEY);
    }

    @Property(tries = 200)
    void aSignedChangesetMovedToAnotherPlaceInTheChainIsRejected(@ForAll("positions") Head elsewhere) {
        ChangesetBody b = SIGNED.body();
        Assume.that(elsewhere.seq() != b.seq() || !elsewhere.digest().equals(b.prev()));
        Changeset moved = new Changeset(new ChangesetBody(b.domain(), elsewhere.seq(), elsewhere.digest(), b.issued(), b.ops(),
                b.comment()), SIGNED.signatures());
        // even where the moved changeset would fit the chain, its signature no longer does
        ChainState fitting = ChainState.restore(STATE.policy(), Map.of("factory-a",
                new Head(elsewhere.seq() - 1, elsewhere.digest())));
        assertRejected(fitting, moved, ErrorCode.BAD_SIGNATURE);
    }

    @Provide
    Arbitrary<String> keyNames() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.").ofMinLength(1).ofMaxLength(20)
                .filter(s -> Character.isLetterOrDigit(s.charAt(0)) && !s.contains(".."));
    }

    @Provide
    Arbitrary<String> domains() {
        return Arbitraries.of("global");
    }

    @Provide
    Arbitrary<Head> positions() {
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, 1_000_000);
        Arbitrary<Digest> digests = Arbitraries.bytes().array(byte[].class).ofSize(8).map(Digest::of);
        return Combinators.combine(seqs, digests).as(Head::new);
    }

    private static Changeset withOps(List<Op> ops) {
        ChangesetBody b = SIGNED.body();
        return new Changeset(new ChangesetBody(b.domain(), b.seq(), b.prev(), b.issued(), ops, b.comment()), SIGNED.signatures());
    }

    private static void assertRejected(ChainState state, Changeset cs, ErrorCode code) {
        assertThatThrownBy(() -> state.check(cs))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
