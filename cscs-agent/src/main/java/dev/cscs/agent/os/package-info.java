/**
 * The agent's only doors to the operating system: {@link dev.cscs.agent.os.AtomicFiles}
 * (same-directory temp file, fsync, rename, fsync of the directory; the replaced file's mode
 * is kept and its previous {@link dev.cscs.agent.os.FileState} is returned as the backup) and
 * {@link dev.cscs.agent.os.CommandRunner} (a real tool with a deadline, captured output, and an
 * optional prefix such as {@code ip netns exec NS} for commands that touch live kernel or
 * service state, so tests can run them inside a namespace they own), and
 * {@link dev.cscs.agent.os.NoFollow} (paths under a root resolved without following a symlinked
 * directory; AtomicFiles checks the directory again before each rename or unlink).
 *
 * <p>Nothing here knows about appliers, keys or JSON: it moves bytes and runs argv lists,
 * never a shell.
 */
package dev.cscs.agent.os;
