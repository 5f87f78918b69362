/**
 * The {@link dev.cscs.agent.applier.Applier} SPI and the six appliers of DESIGN.md §5 (yum,
 * apt, sysctl, firewall, sshd, service), reached through {@link dev.cscs.agent.applier.Appliers}.
 *
 * <p>This package owns the value schemas (documented in {@code schemas.md} beside these
 * classes), how each value is rendered into files, and the plan / apply / verify / rollback
 * cycle. The rules every applier keeps:
 * <ul>
 *   <li>{@code validate} is pure and total: it only ever throws
 *       {@link dev.cscs.core.error.CscsException} with {@code INVALID_VALUE}, naming the key,
 *       the field and the reason. Rendering relies on it, so {@code plan} validates again.</li>
 *   <li>Every path is resolved under {@link dev.cscs.agent.applier.ApplyContext#root()} without
 *       following a symlinked directory, and a key name reaches a path only after the key-name
 *       grammar check.</li>
 *   <li>An applier touches only what the ownership manifest ({@code Ownership}, in the state
 *       dir) says cscs wrote. An owned file someone changed is drift: restored, the foreign
 *       bytes quarantined. Any other file in its way is a conflict for that file only, never
 *       overwritten or deleted; the header line proves nothing (it only helps adopt files of
 *       versions before the manifest whose bytes are exactly what cscs renders).</li>
 *   <li>An apply is journaled ({@code ApplyJournal}): an intent with the backups, then the
 *       changes and the manifest entries, until verify passes (or rollback ends); an apply
 *       a crash interrupted, or one whose verify never passed, is rolled back by
 *       {@link dev.cscs.agent.applier.Applier#recover} before the applier plans again.</li>
 *   <li>{@code apply} backs up what it replaces, checks with the real tool before anything is
 *       activated, and on any failure restores the byte-identical previous files (and live
 *       state) before throwing {@link dev.cscs.agent.applier.RolledBackException}.</li>
 * </ul>
 * The shared cycle lives in the package-private {@code FileApplier}; each applier adds its
 * schema, its renderer and its live actions.
 */
package dev.cscs.agent.applier;
