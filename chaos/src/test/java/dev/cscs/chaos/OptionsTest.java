package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** chaos/run's arguments: what is not understood is refused (exit 2), never ignored or run with defaults. */
class OptionsTest {
    @Test
    void theOptionsAreRead() {
        assertThat(Options.parse("--jar", "x.jar", "--seconds", "60", "--seed", "-3", "--faults", "5"))
                .isEqualTo(new Options(60, -3, 5, Path.of("x.jar")));
        assertThat(Options.parse().seconds()).isEqualTo(180);
    }

    @Test
    void aTrailingOptionWithoutAValueIsRefused() {
        assertThatThrownBy(() -> Options.parse("--seconds", "60", "--seed")).isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("--seed needs a value").hasMessageContaining(Options.USAGE);
    }

    @Test
    void anUnknownOptionIsRefused() {
        assertThatThrownBy(() -> Options.parse("--secs", "60")).isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("unknown option --secs");
    }

    @Test
    void aNonNumberOrOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Options.parse("--seconds", "1m")).isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("--seconds wants a whole number, not '1m'");
        assertThatThrownBy(() -> Options.parse("--seconds", "0")).isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("--seconds 0 is out of range");
        assertThatThrownBy(() -> Options.parse("--faults", "-1")).isInstanceOf(Options.UsageException.class);
    }
}
