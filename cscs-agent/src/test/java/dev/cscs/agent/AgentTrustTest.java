package dev.cscs.agent;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.TestKeys;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Defence in depth: the agent believes only what it verified itself from its genesis, and never
 * goes back below what it applied. Each test starts with {@code sysctl kernel.sysrq = 0} applied
 * from global seq 1.
 */
class AgentTrustTest {
    static final String FILE = "etc/sysctl.d/90-cscs.conf";
    @TempDir
    Path tmp;
    Harness h;
    String applied;

    @BeforeEach
    void applyFirst() {
        h = new Harness(tmp).start();
        h.source.commit("global", sysrq("0"));
        h.settle();
        applied = h.read(FILE);
    }

    @AfterEach
    void close() {
        h.close();
    }

    static Op sysrq(String v) {
        return put("sysctl/kernel.sysrq", "{\"value\": \"" + v + "\"}");
    }

    /** Ways a source can hand over seq 2 of global that must not be believed. */
    enum Bad {
        SIGNED_BY_AN_UNKNOWN_KEY("unknown-key", s -> Chains.signed(Chains.next(s.stateForTests(), "global", sysrq("1")),
                TestKeys.ed("mallory"))),
        SIGNED_BY_ANOTHER_DOMAINS_SIGNER("unauthorized-key", s -> Chains.signed(Chains.next(s.stateForTests(), "global",
                sysrq("1")), Chains.signerA())),
        VALUE_ALTERED_AFTER_SIGNING("bad-signature", s -> {
            Changeset good = s.next("global", sysrq("1"));
            ChangesetBody b = good.body();
            return new Changeset(new ChangesetBody(b.domain(), b.seq(), b.prev(), b.issued(), List.of(sysrq("2")), b.comment()),
                    good.signatures());
        }),
        UNSIGNED("below-threshold", s -> Chains.next(s.stateForTests(), "global", sysrq("1"))),
        SKIPS_A_SEQ("wrong-seq", s -> Chains.signed(Signing.unsigned("global", 3, s.stateForTests().head("global").digest(),
                Chains.T0, List.of(sysrq("1")), null), Chains.signerB())),
        WRONG_PREV("wrong-prev", s -> Chains.signed(Signing.unsigned("global", 2, Digest.ZERO, Chains.T0,
                List.of(sysrq("1")), null), Chains.signerB())),
        OUT_OF_THE_DOMAINS_SCOPE("out-of-scope", s -> s.next("factory-a", put("service/telnet.socket", "{\"state\": \"masked\"}")));

        final String code;
        final Function<TestSource, Changeset> make;

        Bad(String code, Function<TestSource, Changeset> make) {
            this.code = code;
            this.make = make;
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void aChangesetThatDoesNotVerifyIsRefusedNothingChangesAndTheStatusSaysWhy(Bad bad) {
        Changeset forged = bad.make.apply(h.source);
        FeedItem item = h.source.push(forged);
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(h.file("etc/systemd/system/telnet.socket")).doesNotExist();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(bad.code);
            assertThat(p.message()).startsWith("refused " + forged.body().domain() + " seq " + forged.body().seq()
                    + " at revision " + item.revision());
        });
        assertThat(r.appliers()).allSatisfy(a -> assertThat(a.state()).isEqualTo(ApplierState.IN_SYNC));
        assertThat(h.audit("refused")).singleElement().satisfies(l -> {
            assertThat(l.get("code").asText()).isEqualTo(bad.code);
            assertThat(l.get("digest").asText()).isEqualTo(ChangesetCodec.digest(forged.body()).toString());
        });

        // the chain is intact: the real next link still applies, and clears the refusal of its domain
        h.source.commit(forged.body().domain(), sysrq("1"));
        r = h.settle();
        assertThat(h.read(FILE)).contains("kernel.sysrq = 1");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aSignedValueTheDomainsConstraintsForbidIsRefusedHereTooAndTheEnforcedValueStays() {
        h.source.commitPolicy(PolicyBuilder.from(h.source.stateForTests().policy()).constraints("global",
                Chains.json("{\"sysctl\": {\"fields\": {\"value\": {\"oneOf\": [\"0\", \"1\"]}}}}")).build());
        h.settle();
        // a server that skipped the check hands over a value the global signer signed but the roots forbid
        Changeset forbidden = h.source.next("global", sysrq("2"));
        h.source.push(forbidden);
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("constraint");
            assertThat(p.message()).contains("key sysctl/kernel.sysrq breaks constraint sysctl.fields.value",
                    "value is \"2\"; allowed: \"0\", \"1\"");
        });
        h.source.commit("global", sysrq("1"));
        assertThat(h.settle().errors()).isEmpty();
        assertThat(h.read(FILE)).contains("kernel.sysrq = 1");
    }

    @Test
    void aKeyRotationThroughTrustIsFollowedAndTheRevokedKeyIsRefused() {
        var rotated = new PolicyBuilder().roots(1, List.of(Chains.root().publicKey()))
                .operators(1, List.of(Chains.root().publicKey()))
                .domain("factory-a", 1, List.of(Chains.signerA().publicKey()), List.of("yum", "sysctl"))
                .domain("global", 1, List.of(TestKeys.ed("signer-c").publicKey()), null).build();
        h.source.commitPolicy(rotated);
        Changeset revoked = h.source.next("global", sysrq("1"));
        h.source.push(revoked);
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(r.errors()).singleElement().satisfies(p -> assertThat(p.code()).isEqualTo("unknown-key"));
        assertThat(r.heads()).first().satisfies(t -> assertThat(t.seq()).isEqualTo(2));

        h.source.commitSignedBy(TestKeys.ed("signer-c"), "global", sysrq("3"));
        r = h.settle();
        assertThat(h.read(FILE)).contains("kernel.sysrq = 3");
        assertThat(r.errors()).isEmpty();
        assertThat(r.applied()).first().satisfies(t -> assertThat(t.seq()).isEqualTo(2));
    }

    @Test
    void aGenesisThatIsNotTheAnchorIsRefusedAtBuild() {
        AgentConfig c = h.config;
        assertThatThrownBy(() -> Agent.builder(c).genesis(Chains.genesis(), new Digest("ab".repeat(32))).feed(new TestSource()).build())
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNTRUSTED_ANCHOR));
    }

    @Test
    void aSourceOfAnotherClusterIsRefused() {
        var policy = new PolicyBuilder().roots(1, List.of(TestKeys.ed("other-root").publicKey()))
                .operators(1, List.of(TestKeys.ed("other-root").publicKey()))
                .domain("global", 1, List.of(Chains.signerB().publicKey()), null).build();
        Changeset otherGenesis = Signing.genesis(policy, Chains.T0, List.of(TestKeys.ed("other-root")), "another cluster");
        h.source.push(otherGenesis);
        StatusReport r = h.settle();

        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("untrusted-anchor");
            assertThat(p.message()).contains("a different genesis").contains("another cluster");
        });
    }

    @Test
    void aReplayBelowTheHighWaterMarkAfterARestartIsRefusedAndWhatIsAppliedStays() throws Exception {
        h.source.commit("global", sysrq("1"));
        h.source.commit("global", sysrq("2"));
        h.settle();
        String atThree = h.read(FILE);
        Files.delete(h.state.resolve("verified.json"));

        StatusReport r = h.restart(h.source.prefix(2)).settle();

        assertThat(h.read(FILE)).isEqualTo(atThree).contains("kernel.sysrq = 2");
        assertThat(r.appliers()).allSatisfy(a -> {
            assertThat(a.state()).isEqualTo(ApplierState.SKIPPED);
            assertThat(a.message()).contains("source is behind the high-water mark: refusing global seq 2 < 3");
        });
        assertThat(r.errors()).extracting(StatusReport.Problem::code).containsExactly("wrong-seq");
        assertThat(r.applied()).filteredOn(d -> d.domain().equals("global")).singleElement()
                .satisfies(d -> assertThat(d.seq()).isEqualTo(3));
    }

    @Test
    void aStaleSnapshotAfterARestartIsRefusedAndTheCachedStateStays() {
        h.source.commit("global", sysrq("1"));
        h.source.commit("global", sysrq("2"));
        h.settle();
        TestSource stale = h.source.prefix(2);

        h.restart(stale).settle();
        stale.snapshot();
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).contains("kernel.sysrq = 2");
        assertThat(r.errors()).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("refused the snapshot at revision 2: source is behind the high-water mark: refusing global seq 2 < 3"));
        assertThat(h.audit("refused")).hasSize(1);
    }

    @Test
    void aDomainDroppedFromTheNodesListNoLongerHoldsItsOldMarkAgainstIt() {
        h.source.commit("factory-a", put("yum/epel", Harness.YUM));
        h.settle();
        h.agent.close();

        h.configure(c -> new AgentConfig(c.nodeId(), List.of("global"), c.root(), c.appliers(), c.reconcileInterval(),
                c.quietMin(), c.quietMax(), c.statusInterval(), false, false, List.of(), c.confirmTimeout(), c.stateDir(),
                c.auditLog(), c.maxStaleness()));
        StatusReport r = h.restart(h.source).settle();

        assertThat(r.errors()).isEmpty();
        assertThat(r.applier("yum").orElseThrow().state()).isEqualTo(ApplierState.APPLIED);
        assertThat(h.file("etc/yum.repos.d/cscs-epel.repo")).doesNotExist();
        assertThat(h.read(FILE)).isEqualTo(applied);
    }

    @Test
    void aForkAtTheHighWaterMarkIsRefused() throws Exception {
        h.source.commit("global", sysrq("1"));
        h.settle();
        TestSource fork = h.source.prefix(1);
        fork.commit("global", sysrq("7"));
        Files.delete(h.state.resolve("verified.json"));

        StatusReport r = h.restart(fork).settle();

        assertThat(h.read(FILE)).contains("kernel.sysrq = 1");
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("wrong-prev");
            assertThat(p.message()).contains("source forked from the high-water mark: global seq 2 is");
        });
    }

    @Test
    void aSnapshotIsReverifiedFromTheGenesisAndReplacesWhatCameBefore() {
        h.source.muted = true;
        h.source.commit("global", sysrq("1"), put("sysctl/vm.swappiness", "{\"value\": \"10\"}"));
        h.source.commit("global", new Op.Delete("sysctl/kernel.sysrq"));
        h.source.muted = false;
        h.source.snapshot();
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).contains("vm.swappiness = 10").doesNotContain("sysrq");
        assertThat(r.errors()).isEmpty();
        assertThat(r.revision()).isEqualTo(3);
    }

    @Test
    void aSnapshotWithOneForgedChangesetIsRefusedWholeAndLaterChangesetsStillExtendTheOldChain() {
        Changeset good = h.source.next("global", sysrq("1"));
        h.source.muted = true;
        h.source.commit("global", sysrq("1"));
        h.source.muted = false;
        List<FeedItem> items = new ArrayList<>(h.source.log());
        Changeset altered = new Changeset(new ChangesetBody("global", 2, good.body().prev(), good.body().issued(),
                List.of(sysrq("9")), null), good.signatures());
        items.set(1, new FeedItem(2, altered));
        h.source.snapshot(items);
        StatusReport r = h.settle();

        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("bad-signature");
            assertThat(p.message()).startsWith("refused the snapshot at revision 2: refused global seq 2");
        });

        h.source.push(h.source.log().get(1).changeset());
        r = h.settle();
        assertThat(h.read(FILE)).contains("kernel.sysrq = 1");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aRestartedAgentKeepsEnforcingItsVerifiedConfigurationWhileTheSourceIsDown() throws Exception {
        h.agent.close();
        Files.writeString(h.file(FILE), applied.replace("sysrq = 0", "sysrq = 1"));
        TestSource down = new TestSource();
        down.silent = true;

        StatusReport r = h.restart(down).settle();

        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(r.applier("sysctl").orElseThrow().state()).isIn(ApplierState.APPLIED, ApplierState.DRIFT_CORRECTED);
        assertThat(down.subscribedFrom).isEqualTo(1);
    }

    @Test
    void aTamperedCacheIsDiscardedAndTheAgentStartsOverFromTheSource() throws Exception {
        Path cache = h.state.resolve("verified.json");
        Files.writeString(cache, Files.readString(cache).replace("\"value\":\"0\"", "\"value\":\"5\""));

        StatusReport r = h.restart(h.source).settle();

        assertThat(h.source.subscribedFrom).isZero();
        assertThat(h.read(FILE)).isEqualTo(applied);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("bad-signature");
            assertThat(p.message()).contains("the verified cache does not verify");
        });
    }

    @Test
    void unreadableHighWaterMarksFailClosed() throws Exception {
        h.agent.close();
        Files.writeString(h.state.resolve("high-water.json"), "{\"format\": \"garbage");
        Files.writeString(h.file(FILE), applied.replace("sysrq = 0", "sysrq = 1"));

        StatusReport r = h.restart(h.source).settle();

        assertThat(h.read(FILE)).contains("sysrq = 1");
        assertThat(r.appliers()).allSatisfy(a -> assertThat(a.state()).isEqualTo(ApplierState.SKIPPED));
        assertThat(r.errors()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("high-water marks").contains("corrupt").contains("refusing to apply until it is repaired or removed"));
    }
}
