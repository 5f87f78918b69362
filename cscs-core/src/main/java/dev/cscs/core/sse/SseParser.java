package dev.cscs.core.sse;

import java.util.function.Consumer;

/**
 * Server-Sent Events framing (the WHATWG event-stream format), fed line by line: used by the
 * CLI's {@code watch} and by the edge agent. Comments (keepalives) are ignored; an event is
 * dispatched at the blank line that ends it.
 */
public final class SseParser {
    /** One event; {@code id} is the revision for CSCS streams. */
    public record Event(String type, String id, String data) {
    }

    private final Consumer<Event> sink;
    private final int maxEventChars;
    private String type = "message";
    private String id;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    public SseParser(Consumer<Event> sink, int maxEventChars) {
        this.sink = sink;
        this.maxEventChars = maxEventChars;
    }

    public void line(String line) {
        if (line.isEmpty()) {
            if (hasData) {
                sink.accept(new Event(type, id, data.toString()));
            }
            type = "message";
            data.setLength(0);
            hasData = false;
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event":
                type = value;
                break;
            case "id":
                id = value;
                break;
            case "data":
                if (hasData) {
                    data.append('\n');
                }
                if (data.length() + value.length() > maxEventChars) {
                    throw new IllegalStateException("an event is larger than " + maxEventChars + " characters");
                }
                data.append(value);
                hasData = true;
                break;
            default:
                break;
        }
    }
}
