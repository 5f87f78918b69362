package dev.cscs.core.constraint;

/**
 * One value breaking one constraint.
 *
 * @param constraint where the constraint sits in the domain's rule, e.g. {@code sshd.fields.settings.PermitRootLogin}
 * @param why        what in the value breaks it
 */
public record Violation(String key, String constraint, String why) {
    public String message() {
        return "key " + key + " breaks constraint " + constraint + ": " + why;
    }
}
