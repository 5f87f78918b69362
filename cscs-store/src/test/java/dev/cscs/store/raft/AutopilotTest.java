package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.store.raft.Autopilot.Action;
import dev.cscs.store.raft.Autopilot.Member;
import dev.cscs.store.raft.Autopilot.Registered;
import dev.cscs.store.raft.Autopilot.Step;
import dev.cscs.store.raft.Autopilot.View;
import dev.cscs.store.raft.Autopilot.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The autopilot's decision over made-up views and an injected clock: each rule has a test that fails without it. */
class AutopilotTest {
    private static final AutopilotSettings S = new AutopilotSettings(3, Duration.ofSeconds(30), Duration.ofHours(24),
            Duration.ofSeconds(10));
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration BEAT = Duration.ofMillis(100);
    private static final Duration LONG = Duration.ofHours(1);
    private final Autopilot autopilot = new Autopilot(S);

    private static Member leader(String id) {
        return new Member(id, Vote.VOTER, Registered.VOTER, Duration.ZERO, LONG, true, 100, true);
    }

    private static Member voter(String id) {
        return new Member(id, Vote.VOTER, Registered.VOTER, BEAT, LONG, true, 100, false);
    }

    private static Member silentVoter(String id, Duration silent) {
        return new Member(id, Vote.VOTER, Registered.VOTER, silent, Duration.ZERO, true, 40, false);
    }

    private static Member replica(String id, long match) {
        return new Member(id, Vote.LISTENER, Registered.REPLICA, BEAT, LONG, true, match, false);
    }

    private static View view(Member... members) {
        return new View(NOW, true, NOW.minus(LONG), List.of(members));
    }

    private Optional<Step> decide(Member... members) {
        return autopilot.decide(view(members));
    }

    @Test
    void aVoterSilentForReplaceAfterHandsItsVoteToTheMostUpToDateCaughtUpReplica() {
        Step s = decide(leader("a"), voter("b"), silentVoter("c", Duration.ofSeconds(30)), replica("d", 90), replica("e", 100))
                .orElseThrow();
        assertThat(s.action()).isEqualTo(Action.REPLACE);
        assertThat(s.member()).isEqualTo("e");
        assertThat(s.inPlaceOf()).isEqualTo("c");
        assertThat(s.notes()).containsOnlyKeys("e", "c");
        assertThat(s.notes().get("c")).contains("c demoted to replica by autopilot", "silent for 30s");
    }

    @Test
    void aRegisteredVoterWaitingAsAReplicaIsPreferredToAReplica() {
        Member preferred = new Member("d", Vote.LISTENER, Registered.VOTER, BEAT, LONG, true, 90, false);
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofMinutes(1)), preferred, replica("e", 100))
                .orElseThrow().member()).isEqualTo("d");
    }

    @Test
    void aVoterSilentForLessThanReplaceAfterKeepsItsVote() {
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofSeconds(29)), replica("d", 100))).isEmpty();
    }

    @Test
    void aReplicaThatHasNotCaughtUpIsNeverGivenAVote() {
        Member lagging = new Member("d", Vote.LISTENER, Registered.REPLICA, BEAT, LONG, false, 10, false);
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofMinutes(5)), lagging)).isEmpty();
    }

    @Test
    void aMemberTheRegistryDoesNotNameIsNeverGivenAVote() {
        Member stranger = new Member("d", Vote.LISTENER, Registered.NONE, BEAT, LONG, true, 100, false);
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofMinutes(5)), stranger)).isEmpty();
    }

    @Test
    void aSilentReplicaIsNeverGivenAVote() {
        // upFor as if the unbroken-contact rule said nothing: only liveness keeps it out
        Member quiet = new Member("d", Vote.LISTENER, Registered.REPLICA, Duration.ofSeconds(2), LONG, true, 100, false);
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofMinutes(5)), quiet)).isEmpty();
    }

    @Test
    void nothingHappensWhileAConfigurationChangeIsUnderWay() {
        View v = new View(NOW, false, NOW.minus(LONG), List.of(leader("a"), voter("b"), silentVoter("c", LONG), replica("d", 100)));
        assertThat(autopilot.decide(v)).isEmpty();
    }

    @Test
    void nothingHappensWithinMinIntervalOfTheLastStep() {
        List<Member> m = List.of(leader("a"), voter("b"), silentVoter("c", LONG), replica("d", 100));
        assertThat(autopilot.decide(new View(NOW, true, NOW.minusSeconds(9), m))).isEmpty();
        assertThat(autopilot.decide(new View(NOW, true, NOW.minusSeconds(10), m))).isPresent();
    }

    @Test
    void noReplacementWhenTheVotersHaveNoLiveMajority() {
        // b is dead, c has just gone quiet: only a is alive, so no change could commit
        assertThat(decide(leader("a"), silentVoter("b", LONG), silentVoter("c", Duration.ofSeconds(5)), replica("d", 100)))
                .isEmpty();
    }

    @Test
    void theQuorumGuardRefusesANewConfigurationWithoutALiveMajority() {
        List<Member> before = List.of(leader("a"), voter("b"), voter("c"));
        assertThat(Autopilot.keepsQuorum(before, List.of(leader("a"), voter("b")))).isTrue();
        assertThat(Autopilot.keepsQuorum(before, List.of(leader("a"), silentVoter("x", LONG)))).isFalse();
        assertThat(Autopilot.keepsQuorum(List.of(leader("a"), silentVoter("x", LONG)), before)).isFalse();
    }

    @Test
    void aVoterThatComesBackAfterItsReplacementStaysAReplica() {
        // c was replaced by e; c is back, caught up and healthy: the votes stay as they are
        Member back = new Member("c", Vote.LISTENER, Registered.VOTER, BEAT, LONG, true, 100, false);
        Member standIn = new Member("e", Vote.VOTER, Registered.REPLICA, BEAT, LONG, true, 100, false);
        assertThat(decide(leader("a"), voter("b"), standIn, back, replica("d", 100))).isEmpty();
    }

    @Test
    void aMemberMustAnswerForMinIntervalWithoutABreakBeforeItIsGivenAVote() {
        Member back = new Member("c", Vote.LISTENER, Registered.VOTER, BEAT, Duration.ofSeconds(9), true, 100, false);
        assertThat(decide(leader("a"), voter("b"), back)).isEmpty();
        Member steady = new Member("c", Vote.LISTENER, Registered.VOTER, BEAT, Duration.ofSeconds(10), true, 100, false);
        assertThat(decide(leader("a"), voter("b"), steady)).contains(new Step(Action.PROMOTE, "c", null,
                "2 voters, the target is 3"));
    }

    @Test
    void moreVotersThanTheTargetDemotesTheMostSilentOneAndNeverTheLeader() {
        Step s = decide(leader("a"), voter("b"), voter("c"), silentVoter("d", Duration.ofMinutes(2)), replica("e", 100))
                .orElseThrow();
        assertThat(s).isEqualTo(new Step(Action.DEMOTE, "d", null, "4 voters, the target is 3"));
        Member quietLeader = new Member("a", Vote.VOTER, Registered.VOTER, Duration.ZERO, LONG, true, 100, true);
        assertThat(decide(quietLeader, voter("b"), voter("c"), voter("d")).orElseThrow().member()).isNotEqualTo("a");
    }

    @Test
    void aNonVotingMemberSilentForRemoveDeadAfterLeavesTheConfigurationButAVoterNeverDoes() {
        Member dead = new Member("d", Vote.LISTENER, Registered.REPLICA, Duration.ofHours(24), Duration.ZERO, false, 1, false);
        assertThat(decide(leader("a"), voter("b"), voter("c"), dead)).contains(new Step(Action.REMOVE, "d", null,
                "silent for 86400s"));
        Member almost = new Member("d", Vote.LISTENER, Registered.REPLICA, Duration.ofHours(23), Duration.ZERO, false, 1, false);
        assertThat(decide(leader("a"), voter("b"), voter("c"), almost)).isEmpty();
        assertThat(decide(leader("a"), voter("b"), silentVoter("c", Duration.ofHours(25)))).isEmpty();
    }

    @Test
    void everyStepChangesAtMostOneVoteAndLeavesALiveMajorityOnBothSides() {
        Random rnd = new Random(2026);
        Duration[] silences = {Duration.ZERO, BEAT, Duration.ofSeconds(2), Duration.ofSeconds(31), Duration.ofHours(25)};
        int steps = 0;
        for (int round = 0; round < 20_000; round++) {
            List<Member> members = new ArrayList<>();
            members.add(leader("m0"));
            int n = 1 + rnd.nextInt(7);
            for (int i = 1; i <= n; i++) {
                Duration silent = silences[rnd.nextInt(silences.length)];
                members.add(new Member("m" + i, rnd.nextBoolean() ? Vote.VOTER : Vote.LISTENER,
                        Registered.values()[rnd.nextInt(3)], silent, rnd.nextBoolean() ? LONG : Duration.ZERO,
                        rnd.nextBoolean(), rnd.nextInt(100), false));
            }
            View v = new View(NOW, true, NOW.minus(LONG), members);
            Optional<Step> step = autopilot.decide(v);
            if (step.isEmpty() || step.get().action() == Action.REMOVE) {
                continue;
            }
            steps++;
            Set<String> before = voters(members);
            Set<String> after = new TreeSet<>(before);
            Step s = step.get();
            if (s.action() == Action.DEMOTE) {
                after.remove(s.member());
            } else {
                after.add(s.member());
                if (s.inPlaceOf() != null) {
                    after.remove(s.inPlaceOf());
                }
            }
            Set<String> added = new TreeSet<>(after);
            added.removeAll(before);
            Set<String> gone = new TreeSet<>(before);
            gone.removeAll(after);
            assertThat(added.size()).as("%s on %s", s, members).isLessThanOrEqualTo(1);
            assertThat(gone.size()).as("%s on %s", s, members).isLessThanOrEqualTo(1);
            List<Member> afterMembers = members.stream().filter(m -> after.contains(m.id())).toList();
            List<Member> beforeMembers = members.stream().filter(m -> before.contains(m.id())).toList();
            assertThat(Autopilot.liveMajority(beforeMembers) && Autopilot.liveMajority(afterMembers))
                    .as("%s on %s", s, members).isTrue();
            for (String id : added) {
                Member m = members.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
                assertThat(m.caughtUp() && m.live() && m.registered() != Registered.NONE).as("%s on %s", s, members).isTrue();
            }
        }
        assertThat(steps).as("the random views called for steps").isGreaterThan(1000);
    }

    @Test
    void settingsOutsideTheRulesAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> new AutopilotSettings(4, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(1)))
                .hasMessage("voters: 4 is not 3 or 5");
        assertThatThrownBy(() -> new AutopilotSettings(3, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(1)))
                .hasMessageStartingWith("replaceAfter:");
        assertThatThrownBy(() -> new AutopilotSettings(3, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO))
                .hasMessageStartingWith("removeDeadAfter:");
        assertThatThrownBy(() -> new AutopilotSettings(3, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(1)))
                .hasMessageStartingWith("minInterval:");
    }

    private static Set<String> voters(List<Member> members) {
        Set<String> out = new TreeSet<>();
        members.stream().filter(m -> m.vote() == Vote.VOTER).forEach(m -> out.add(m.id()));
        return out;
    }
}
