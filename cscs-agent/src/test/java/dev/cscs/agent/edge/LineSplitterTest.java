package dev.cscs.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    final List<String> lines = new ArrayList<>();
    final LineSplitter splitter = new LineSplitter(16, lines::add);

    void feed(String s) {
        splitter.feed(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void splitsOnLfCrLfAndCrEvenAcrossBuffers() {
        feed("a\nb\r");
        feed("\nc\rd");
        feed("é\n\n");
        assertThat(lines).containsExactly("a", "b", "c", "dé", "");
    }

    @Test
    void refusesALineOverTheLimitBeforeBufferingIt() {
        assertThatThrownBy(() -> feed("x".repeat(17))).hasMessage("a line of the event stream is longer than 16 bytes");
    }

    @Test
    void refusesInvalidUtf8() {
        assertThatThrownBy(() -> splitter.feed(ByteBuffer.wrap(new byte[] {'a', (byte) 0xff, '\n'})))
                .hasMessageContaining("not valid UTF-8");
    }
}
