/**
 * Staged rollouts (issue #14, part 2), the parts every verifier computes alike: a changeset's
 * signed {@link dev.cscs.core.rollout.RolloutPlan} (its waves and the gates between them), which
 * wave a device is in (a hash of its node id and the changeset's digest, so each device computes
 * it itself), and the verdict of a gate on a wave's reports. Nothing here runs a rollout: the
 * leader and the agents use these.
 */
package dev.cscs.core.rollout;
