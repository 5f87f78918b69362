package dev.cscs.core.model;

import dev.cscs.core.error.CscsException;

/** A configuration key, {@code <applier>/<name>}, e.g. {@code sysctl/net.ipv4.ip_forward}. */
public record KeyPath(String applier, String name) implements Comparable<KeyPath> {
    public KeyPath {
        Names.checkApplier(applier);
        if (!Names.isKeyName(name)) {
            throw CscsException.malformed("key name " + Names.shown(name)
                    + " is not valid: [A-Za-z0-9][A-Za-z0-9._:-]{0,127}, no '/' and no '..'");
        }
    }

    public static KeyPath parse(String key) {
        if (key == null) {
            throw CscsException.malformed("key is missing");
        }
        int slash = key.indexOf('/');
        if (slash < 0) {
            throw CscsException.malformed("key " + Names.shown(key) + " is not of the form <applier>/<name>");
        }
        String name = key.substring(slash + 1);
        if (name.indexOf('/') >= 0) {
            throw CscsException.malformed("key " + Names.shown(key) + " has more than one '/'");
        }
        return new KeyPath(key.substring(0, slash), name);
    }

    @Override
    public String toString() {
        return applier + "/" + name;
    }

    @Override
    public int compareTo(KeyPath o) {
        return toString().compareTo(o.toString());
    }
}
