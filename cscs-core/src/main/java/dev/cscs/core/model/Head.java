package dev.cscs.core.model;

import dev.cscs.core.error.CscsException;

/** The last accepted changeset of a domain's chain: its seq and digest. A new domain has seq 0. */
public record Head(long seq, Digest digest) {
    public static Head parse(String s) {
        int colon = s == null ? -1 : s.indexOf(':');
        if (colon <= 0) {
            throw CscsException.malformed("head " + Names.shown(s) + " must be written SEQ:sha256:<hex>");
        }
        long seq;
        try {
            seq = Long.parseLong(s.substring(0, colon));
        } catch (NumberFormatException e) {
            throw CscsException.malformed("head " + Names.shown(s) + ": SEQ is not a number");
        }
        if (seq < 0) {
            throw CscsException.malformed("head " + Names.shown(s) + ": SEQ is negative");
        }
        return new Head(seq, Digest.parse(s.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return seq + ":" + digest;
    }
}
