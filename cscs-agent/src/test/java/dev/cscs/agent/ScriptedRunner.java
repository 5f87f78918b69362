package dev.cscs.agent;

import dev.cscs.agent.os.CommandRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for the OS tools the appliers call offline: every command succeeds silently,
 * except that {@code systemctl --root=… is-enabled} says "masked" (as it would after the service
 * applier's symlink) and commands whose display starts with a scripted prefix get its answer.
 */
final class ScriptedRunner implements CommandRunner {
    private final Map<String, Result> answers = new LinkedHashMap<>();
    final List<String> commands = new ArrayList<>();
    private String crashOn;

    /** Commands starting with {@code prefix} throw an Error, as if the agent died while running them; null stops it. */
    synchronized ScriptedRunner crashOn(String prefix) {
        crashOn = prefix;
        return this;
    }

    synchronized ScriptedRunner on(String prefix, Result r) {
        answers.put(prefix, r);
        return this;
    }

    @Override
    public synchronized Result run(Command c) {
        String shown = c.display();
        commands.add(shown);
        if (crashOn != null && shown.startsWith(crashOn)) {
            throw new Error("simulated crash of the agent while running: " + shown);
        }
        for (Map.Entry<String, Result> e : answers.entrySet()) {
            if (shown.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        if (shown.startsWith("systemctl --root=") && shown.contains(" is-enabled ")) {
            return new Result(0, "masked\n", "", false);
        }
        return new Result(0, "", "", false);
    }
}
