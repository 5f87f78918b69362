package dev.cscs.agent.applier;

import dev.cscs.agent.os.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** A scripted {@link CommandRunner}: records every command; answers from rules, else exit 0 with no output. */
final class FakeRunner implements CommandRunner {
    private record Rule(Predicate<Command> when, Function<Command, Result> answer) {
    }

    private final List<Rule> rules = new ArrayList<>();
    final List<Command> commands = new ArrayList<>();

    /** Answers commands whose argv, joined by spaces, starts with {@code prefix}. Later rules win. */
    FakeRunner on(String prefix, Result result) {
        return on(c -> c.display().startsWith(prefix), c -> result);
    }

    FakeRunner on(String prefix, Function<Command, Result> answer) {
        return on(c -> c.display().startsWith(prefix), answer);
    }

    FakeRunner on(Predicate<Command> when, Function<Command, Result> answer) {
        rules.add(0, new Rule(when, answer));
        return this;
    }

    static Result ok(String stdout) {
        return new Result(0, stdout, "", false);
    }

    static Result fail(int exit, String stderr) {
        return new Result(exit, "", stderr, false);
    }

    @Override
    public synchronized Result run(Command command) {
        commands.add(command);
        for (Rule r : rules) {
            if (r.when().test(command)) {
                return r.answer().apply(command);
            }
        }
        return ok("");
    }

    List<String> displayed() {
        return commands.stream().map(Command::display).toList();
    }
}
