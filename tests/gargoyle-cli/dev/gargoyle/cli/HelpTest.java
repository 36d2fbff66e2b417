package dev.gargoyle.cli;

import static dev.gargoyle.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers {@code --help} with its usage and exit code 0, as the README promises. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "visualize", "dream", "probe", "bench", "bench train",
        "sample-data", "info"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        String[] r = run(args);
        assertEquals("0", r[0], () -> command + ": " + r[2]);
        assertTrue(r[1].startsWith("Usage: gargoyle " + command + " "), r[1]);
        assertTrue(r[1].contains("-h, --help"), r[1]);
    }
}
