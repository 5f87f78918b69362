package dev.cscs.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void noPortIsHandedOutTwiceAlthoughTheKernelReusesThem() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            assertThat(seen.add(LoopbackPorts.free())).as("port handed out twice").isTrue();
        }
    }
}
