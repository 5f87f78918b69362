package dev.cscs.core.testing;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keys for tests, generated once per JVM and named, so tests read like the scenario they test. */
public final class TestKeys {
    private static final Map<String, PrivateKeyRef> KEYS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** An Ed25519 key named {@code name}. */
    public static PrivateKeyRef ed(String name) {
        return named(name, "ed25519");
    }

    public static PrivateKeyRef named(String name, String alg) {
        return KEYS.computeIfAbsent(name + "/" + alg, k -> KeyGen.generate(alg));
    }
}
