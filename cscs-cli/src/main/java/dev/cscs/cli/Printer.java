package dev.cscs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import java.io.PrintStream;

/**
 * The one printer: every verb hands it a JSON result and its human form; {@code -o json}
 * prints the first, the default prints the second. Notes go to stderr so stdout stays
 * scriptable.
 */
public final class Printer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final GlobalOptions.Output format;
    private final boolean json;
    private final PrintStream out;
    private final PrintStream err;

    public Printer(boolean json) {
        this(json ? GlobalOptions.Output.json : GlobalOptions.Output.table);
    }

    public Printer(GlobalOptions.Output format) {
        this(format, System.out, System.err);
    }

    Printer(GlobalOptions.Output format, PrintStream out, PrintStream err) {
        this.format = format;
        this.json = format != GlobalOptions.Output.table;
        this.out = out;
        this.err = err;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Machine-readable output (json or yaml). */
    public boolean json() {
        return json;
    }

    /** Prints a result: {@code tree} for -o json or yaml, else {@code human}. */
    public void result(JsonNode tree, String human) {
        if (json) {
            out.println(structured(tree));
        } else if (human != null && !human.isEmpty()) {
            out.println(human);
        }
        out.flush();
    }

    /** A progress or context line for people (stderr, not shown with -o json). */
    public void note(String line) {
        if (!json) {
            err.println(line);
        }
    }

    public void error(CscsException e) {
        if (json) {
            ObjectNode o = object();
            ObjectNode error = o.putObject("error");
            error.put("code", e.code().code());
            error.put("message", e.getMessage());
            error.put("hint", e.code().hint());
            err.println(structured(o));
        } else {
            err.println("error (" + e.code().code() + "): " + e.getMessage());
            err.println("hint: " + e.code().hint());
        }
    }

    /** {@code tree} in the machine format chosen: JSON, or a YAML document. */
    public String structured(JsonNode tree) {
        return format == GlobalOptions.Output.yaml ? YamlEmitter.emit(tree) : toJson(tree);
    }

    public static String toJson(JsonNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
