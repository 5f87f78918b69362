package dev.cscs.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Chains;
import dev.cscs.store.ValueValidator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RequestsTest {
    private static final Limits LIMITS = new Limits(64 << 10, 8 << 10, 64, 16, 8);

    @Test
    void anUntypedFailureOfADecoderIsAFixedMalformedForTheClientAndAWarningWithTheCauseInTheLog() throws Exception {
        byte[] body = ChangesetCodec.toTree(Chains.signed(Chains.next(Chains.state(), "factory-a", Chains.put("sysctl/vm.swappiness", "10")),
                Chains.signerA())).toString().getBytes(StandardCharsets.UTF_8);
        ValueValidator broken = (domain, key, value) -> {
            throw new IllegalStateException("internal detail at offset 17");
        };
        Logger log = (Logger) LoggerFactory.getLogger(Requests.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        try {
            CscsException e = catchThrowableOfType(() -> Requests.submission(body, LIMITS, broken, false), CscsException.class);
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(e.getMessage()).isEqualTo("the changeset could not be decoded");
        } finally {
            log.detachAppender(events);
        }
        assertThat(events.list).singleElement().satisfies(ev -> {
            assertThat(ev.getLevel()).isEqualTo(Level.WARN);
            assertThat(ev.getThrowableProxy().getMessage()).isEqualTo("internal detail at offset 17");
        });
    }
}
