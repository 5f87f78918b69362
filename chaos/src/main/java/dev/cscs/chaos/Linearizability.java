package dev.cscs.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A linearizability checker for one register: the Wing &amp; Gong search with Lowe's memo of
 * (linearized set, state), as in Knossos and Porcupine.
 *
 * <p>The model: a write sets the value; a read returns the last value written, or null before
 * any write. Writes carry a version (the chain seq of the changeset that made them) and take
 * effect in version order: a write may not be linearized after one of a higher version. With
 * all versions equal this is the plain register. An op whose outcome is unknown (timeout, reset)
 * has no completion: it may take effect at any point after its invocation, or never.
 */
final class Linearizability {
    static final long UNKNOWN = Long.MAX_VALUE;

    /** One operation; {@code complete} is {@link #UNKNOWN} when the client never learned the outcome. */
    record Op(String name, boolean write, String value, long version, long invoke, long complete) {
        static Op write(String name, String value, long version, long invoke, long complete) {
            return new Op(name, true, value, version, invoke, complete);
        }

        static Op read(String name, String value, long invoke, long complete) {
            return new Op(name, false, value, 0, invoke, complete);
        }

        boolean optional() {
            return complete == UNKNOWN;
        }
    }

    enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, GAVE_UP }

    record Result(Verdict verdict, long steps, String detail) {
    }

    private record State(String value, long version) {
    }

    private record Memo(long[] bits, State state) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && Arrays.equals(bits, m.bits) && state.equals(m.state);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bits) + state.hashCode();
        }
    }

    /** A call or return event in the doubly linked list the search lifts ops out of. */
    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    /** A choice made at a call: applied to the model, or (unknown ops only) dropped as never having happened. */
    private record Frame(Entry entry, State before, boolean applied) {
    }

    private Linearizability() {
    }

    static Result check(List<Op> ops, long maxSteps) {
        Entry head = list(ops);
        BitSet done = new BitSet(ops.size());
        Set<Memo> seen = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        State state = new State(null, 0);
        Entry e = head.next;
        long steps = 0;
        int deepest = -1;
        int stuck = -1;
        while (head.next != null) {
            if (++steps > maxSteps) {
                return new Result(Verdict.GAVE_UP, steps, "search bound of " + maxSteps + " steps reached");
            }
            if (e.call) {
                Op op = ops.get(e.op);
                State after = step(state, op);
                if (after != null && remember(seen, done, e.op, after)) {
                    stack.push(new Frame(e, state, true));
                    state = after;
                    e = lift(head, e, done);
                    continue;
                }
                if (op.optional() && remember(seen, done, e.op, state)) {
                    stack.push(new Frame(e, state, false));
                    e = lift(head, e, done);
                    continue;
                }
                e = e.next;
            } else {
                // a return reached before its call was lifted: backtrack
                if (done.cardinality() > deepest) {
                    deepest = done.cardinality();
                    stuck = e.op;
                }
                boolean resumed = false;
                while (!stack.isEmpty() && !resumed) {
                    Frame f = stack.pop();
                    state = f.before();
                    unlift(f.entry(), done);
                    Op op = ops.get(f.entry().op);
                    if (f.applied() && op.optional() && remember(seen, done, f.entry().op, state)) {
                        stack.push(new Frame(f.entry(), state, false));
                        e = lift(head, f.entry(), done);
                        resumed = true;
                    } else if (f.entry().next != null) {
                        e = f.entry().next;
                        resumed = true;
                    }
                }
                if (!resumed) {
                    return new Result(Verdict.NOT_LINEARIZABLE, steps, "after " + deepest + " ops linearized, nothing fits before the end of "
                            + ops.get(stuck));
                }
            }
        }
        return new Result(Verdict.LINEARIZABLE, steps, "");
    }

    private static State step(State s, Op op) {
        if (op.write()) {
            return op.version() >= s.version() ? new State(op.value(), op.version()) : null;
        }
        return Objects.equals(op.value(), s.value()) ? s : null;
    }

    private static boolean remember(Set<Memo> seen, BitSet done, int op, State s) {
        BitSet b = (BitSet) done.clone();
        b.set(op);
        return seen.add(new Memo(b.toLongArray(), s));
    }

    private static Entry list(List<Op> ops) {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Entry c = new Entry(i, true, op.invoke());
            Entry r = new Entry(i, false, op.complete());
            c.match = r;
            all.add(c);
            all.add(r);
        }
        // calls before returns at the same instant: such ops overlap
        all.sort(Comparator.comparingLong((Entry x) -> x.time).thenComparing(x -> !x.call));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry last = head;
        for (Entry x : all) {
            last.next = x;
            x.prev = last;
            last = x;
        }
        return head;
    }

    private static Entry lift(Entry head, Entry call, BitSet done) {
        done.set(call.op);
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Entry r = call.match;
        r.prev.next = r.next;
        if (r.next != null) {
            r.next.prev = r.prev;
        }
        return head.next;
    }

    private static void unlift(Entry call, BitSet done) {
        Entry r = call.match;
        r.prev.next = r;
        if (r.next != null) {
            r.next.prev = r;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
        done.clear(call.op);
    }
}
