package dev.cscs.agent.applier;

import java.util.Objects;

/** One planned file change; {@code path} is relative to {@link ApplyContext#root()}. */
public sealed interface FileOp {
    String path();

    String describe();

    /** Replace or create a managed file with {@code content} (UTF-8). */
    record Write(String path, String content) implements FileOp {
        public Write {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
        }

        @Override
        public String describe() {
            return "write " + path;
        }
    }

    /** Make {@code path} a symlink to {@code target} (a systemd mask: {@code /dev/null}). */
    record Link(String path, String target) implements FileOp {
        public Link {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(target, "target");
        }

        @Override
        public String describe() {
            return "link " + path + " -> " + target;
        }
    }

    /** Remove a managed file or a link cscs owns. */
    record Remove(String path) implements FileOp {
        public Remove {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return "remove " + path;
        }
    }
}
