package dev.cscs.agent.edge;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a byte stream into the lines of an event stream (ended by CR LF, LF or CR), as UTF-8,
 * and refuses a line longer than its limit before it is buffered in full: a server cannot make
 * the agent hold an endless line in memory.
 */
final class LineSplitter {
    private final int maxLineBytes;
    private final Consumer<String> onLine;
    private byte[] buf = new byte[256];
    private int len;
    private boolean afterCr;

    LineSplitter(int maxLineBytes, Consumer<String> onLine) {
        this.maxLineBytes = maxLineBytes;
        this.onLine = onLine;
    }

    /** Consumes {@code bytes}, calling back for each complete line; throws on an oversized or non-UTF-8 line. */
    void feed(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                String line = decode();
                len = 0;
                onLine.accept(line);
                continue;
            }
            if (len == maxLineBytes) {
                throw new CscsException(ErrorCode.TOO_LARGE, "a line of the event stream is longer than " + maxLineBytes + " bytes");
            }
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(maxLineBytes, buf.length * 2));
            }
            buf[len++] = b;
        }
    }

    private String decode() {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw CscsException.malformed("a line of the event stream is not valid UTF-8");
        }
    }
}
