package dev.cscs.cli.command;

import dev.cscs.cli.LocalOptions;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Key arguments shared by the verbs: {@code --sign-with} files and {@code PUB[,PUB...][:N]} key-set specs. */
final class KeyArgs {
    private KeyArgs() {
    }

    /** A key set: public keys and a threshold. */
    record KeySetSpec(List<PublicKeyRef> keys, int threshold) {
    }

    static List<PrivateKeyRef> signers(List<Path> files, LocalOptions global) {
        List<PrivateKeyRef> keys = new ArrayList<>();
        for (Path f : files) {
            keys.add(signer(f, global));
        }
        return keys;
    }

    /** One private key for signing, refused or warned about if other users can open it ({@link KeyPermissions}). */
    static PrivateKeyRef signer(Path file, LocalOptions global) {
        KeyPermissions.Asked passphrases = new KeyPermissions.Asked(global.passphrases());
        PrivateKeyRef key = KeyFiles.readPrivate(file, passphrases);
        KeyPermissions.check(file, passphrases.asked(), global.printer());
        return key;
    }

    /** {@code PUB[,PUB...][:N]}; without {@code :N} the threshold is 1. */
    static KeySetSpec keySet(String spec, String option) {
        String keys = spec;
        int threshold = 1;
        int colon = spec.lastIndexOf(':');
        if (colon > 0 && spec.substring(colon + 1).matches("[0-9]{1,3}")) {
            keys = spec.substring(0, colon);
            threshold = Integer.parseInt(spec.substring(colon + 1));
        }
        List<PublicKeyRef> refs = new ArrayList<>();
        for (String file : keys.split(",")) {
            if (file.isBlank()) {
                throw new CscsException(ErrorCode.USAGE, option + " \"" + spec + "\": empty key file name");
            }
            refs.add(KeyFiles.readPublic(Path.of(file.trim())));
        }
        if (threshold < 1 || threshold > refs.size()) {
            throw new CscsException(ErrorCode.USAGE, option + " \"" + spec + "\": threshold " + threshold
                    + " must be between 1 and the number of keys (" + refs.size() + ")");
        }
        return new KeySetSpec(refs, threshold);
    }
}
