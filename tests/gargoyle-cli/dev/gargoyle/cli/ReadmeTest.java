package dev.gargoyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java is the consumer project's code, which the build compiles and runs (maven-invoker,
 * tests/gargoyle-cli/it): every block marked {@code <!-- example: FILE -->} must be that file, verbatim.
 */
class ReadmeTest {
    private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)\\n```",
            Pattern.DOTALL);

    @Test
    void theJavaExamplesAreTheFilesTheBuildCompilesAndRuns() throws IOException {
        Path root = Path.of(System.getProperty("gargoyle.root"));
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = EXAMPLE.matcher(readme);
        int examples = 0;
        while (m.find()) {
            Path file = root.resolve(m.group(1));
            assertTrue(Files.isRegularFile(file), "README names " + file);
            assertEquals(Files.readString(file).strip(), m.group(2).strip(), "README's copy of " + m.group(1));
            examples++;
        }
        assertEquals(2, examples, "the README shows the AHE example and the custom CNN");
        assertEquals(examples, readme.split("```java", -1).length - 1, "every Java block in the README is checked");
    }
}
