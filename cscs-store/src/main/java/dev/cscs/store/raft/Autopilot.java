package dev.cscs.store.raft;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The autopilot's decision: a pure function from one view of the members (their vote, their
 * registration, how long the leader has not heard from them, whether they have caught up) and the
 * clock to at most one step. The leader's {@link Membership} loop builds the view, carries the step
 * out and asks again; nothing here touches Ratis, so every rule is tested with made-up views.
 *
 * <p>The rules, in the order they are tried:
 * <ol>
 *   <li>one change at a time: nothing while a configuration change is under way, nor within
 *       {@code minInterval} of the previous step;</li>
 *   <li>a voter silent for {@code replaceAfter} hands its vote to the healthiest candidate (one
 *       joint-consensus change: the candidate votes, the silent voter becomes a replica);</li>
 *   <li>fewer voters than the target: the healthiest candidate is promoted;</li>
 *   <li>more voters than the target: the least healthy voter other than the leader is demoted;</li>
 *   <li>a non-voting member silent for {@code removeDeadAfter} leaves the Raft configuration.</li>
 * </ol>
 * Every change of votes must leave both the old and the new voters with a live majority, so a
 * change the cluster cannot commit is never proposed. A candidate is a registered non-voting member
 * (trust stays with the signed registry), caught up, and answering without a break for
 * {@code minInterval}; so a voter that comes back after its replacement is a replica and stays one,
 * as no rule takes a vote from a healthy voter to give it back.
 */
final class Autopilot {
    /** A member's part in the current Raft configuration. */
    enum Vote { VOTER, LISTENER }

    /** A member's role in the signed {@code _nodes} registry; {@code NONE}: a bootstrap peer it does not name. */
    enum Registered { VOTER, REPLICA, NONE }

    enum Action {
        PROMOTE("promoted"), REPLACE("promoted"), DEMOTE("demoted"), REMOVE("removed");

        private final String word;

        Action(String word) {
            this.word = word;
        }

        /** The past participle the log, the alert and {@code cscs member ls} show. */
        String word() {
            return word;
        }
    }

    /**
     * @param silentFor how long since the leader last heard from it (zero for the leader itself)
     * @param upFor how long it has answered without a break (zero while it is not live)
     * @param matchIndex the leader's commit index as this member last acknowledged it
     */
    record Member(String id, Vote vote, Registered registered, Duration silentFor, Duration upFor, boolean caughtUp,
                  long matchIndex, boolean self) {
        boolean live() {
            return self || silentFor.compareTo(AutopilotSettings.LIVE_WITHIN) <= 0;
        }
    }

    /**
     * @param stable no configuration change is under way
     * @param lastAction when this leader last took a step, or when it became leader; null: never
     */
    record View(Instant now, boolean stable, Instant lastAction, List<Member> members) {
        View {
            members = List.copyOf(members);
        }
    }

    /** @param inPlaceOf for {@code REPLACE}: the silent voter that becomes a replica; else null */
    record Step(Action action, String member, String inPlaceOf, String reason) {
        /** What each member concerned is told: the log line, the alert and the note in {@code cscs member ls}. */
        Map<String, String> notes() {
            Map<String, String> out = new LinkedHashMap<>();
            switch (action) {
                case REPLACE:
                    out.put(member, member + " " + action.word() + " to voter by autopilot in place of " + inPlaceOf + ": " + reason);
                    out.put(inPlaceOf, inPlaceOf + " demoted to replica by autopilot: " + reason);
                    break;
                case PROMOTE:
                    out.put(member, member + " " + action.word() + " to voter by autopilot: " + reason);
                    break;
                case DEMOTE:
                    out.put(member, member + " " + action.word() + " to replica by autopilot: " + reason);
                    break;
                default:
                    out.put(member, member + " " + action.word() + " from the Raft configuration by autopilot "
                            + "(its registry record stays): " + reason);
            }
            return out;
        }
    }

    /** Operator-preferred voters first, then the most up to date, then the most recently heard. */
    private static final Comparator<Member> HEALTHIEST = Comparator
            .comparing((Member m) -> m.registered() != Registered.VOTER)
            .thenComparing(Member::matchIndex, Comparator.reverseOrder())
            .thenComparing(Member::silentFor)
            .thenComparing(Member::id);
    private static final Comparator<Member> SILENT_LONGEST = Comparator
            .comparing(Member::silentFor, Comparator.reverseOrder()).thenComparing(Member::id);

    private final AutopilotSettings settings;

    Autopilot(AutopilotSettings settings) {
        this.settings = settings;
    }

    Optional<Step> decide(View v) {
        if (!v.stable() || (v.lastAction() != null && v.now().isBefore(v.lastAction().plus(settings.minInterval())))) {
            return Optional.empty();
        }
        List<Member> voters = v.members().stream().filter(m -> m.vote() == Vote.VOTER).collect(Collectors.toList());
        Optional<Member> candidate = v.members().stream().filter(this::eligible).min(HEALTHIEST);
        Optional<Member> silent = voters.stream().filter(m -> !m.self() && dead(m, settings.replaceAfter())).min(SILENT_LONGEST);
        if (silent.isPresent() && candidate.isPresent() && voters.size() <= settings.voters()) {
            List<Member> after = without(voters, silent.get());
            after.add(candidate.get());
            if (keepsQuorum(voters, after)) {
                return step(Action.REPLACE, candidate.get(), silent.get().id(), silent.get().id() + " silent for "
                        + seconds(silent.get().silentFor()) + "; " + candidate.get().id() + " votes in its place");
            }
        }
        if (voters.size() < settings.voters() && candidate.isPresent()) {
            List<Member> after = new ArrayList<>(voters);
            after.add(candidate.get());
            if (keepsQuorum(voters, after)) {
                return step(Action.PROMOTE, candidate.get(), null, voters.size() + " voters, the target is " + settings.voters());
            }
        }
        if (voters.size() > settings.voters()) {
            for (Member m : voters.stream().filter(m -> !m.self()).sorted(SILENT_LONGEST).collect(Collectors.toList())) {
                if (keepsQuorum(voters, without(voters, m))) {
                    return step(Action.DEMOTE, m, null, voters.size() + " voters, the target is " + settings.voters());
                }
            }
        }
        return v.members().stream().filter(m -> m.vote() == Vote.LISTENER && dead(m, settings.removeDeadAfter()))
                .min(SILENT_LONGEST)
                .map(m -> new Step(Action.REMOVE, m.id(), null, "silent for " + seconds(m.silentFor())));
    }

    /** Registered, caught up, and answering without a break for the hysteresis interval. */
    private boolean eligible(Member m) {
        return m.vote() == Vote.LISTENER && m.registered() != Registered.NONE && m.caughtUp() && m.live()
                && m.upFor().compareTo(settings.minInterval()) >= 0;
    }

    private static boolean dead(Member m, Duration after) {
        return !m.self() && m.silentFor().compareTo(after) >= 0;
    }

    /** Joint consensus needs a majority of the old voters and of the new ones: both must have one alive. */
    static boolean keepsQuorum(List<Member> before, List<Member> after) {
        return liveMajority(before) && liveMajority(after);
    }

    static boolean liveMajority(List<Member> voters) {
        return !voters.isEmpty() && 2 * voters.stream().filter(Member::live).count() > voters.size();
    }

    private static List<Member> without(List<Member> voters, Member gone) {
        List<Member> out = new ArrayList<>(voters);
        out.removeIf(m -> m.id().equals(gone.id()));
        return out;
    }

    private static Optional<Step> step(Action a, Member m, String inPlaceOf, String reason) {
        return Optional.of(new Step(a, m.id(), inPlaceOf, reason));
    }

    static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
