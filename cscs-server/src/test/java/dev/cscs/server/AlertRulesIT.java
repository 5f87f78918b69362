package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The shipped example alert rules load in Prometheus and fire on what they are meant for (promtool's own unit tests). */
class AlertRulesIT {
    private static final Path RULES = Path.of("..", "packaging", "prometheus");

    @Test
    void theExampleAlertRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        var promtool = Promtool.get();
        Assumptions.assumeTrue(promtool.isPresent(), Promtool.MISSING);
        Promtool.Result check = Promtool.run(promtool.get(), RULES, "check", "rules", "cscs-alerts.yml");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 8 rules found");
        Promtool.Result test = Promtool.run(promtool.get(), RULES, "test", "rules", "cscs-alerts.test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
    }
}
