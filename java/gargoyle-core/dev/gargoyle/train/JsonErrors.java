package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A Jackson parse error in one line of words: its own message spans two lines and quotes its
 * internals ({@code [Source: REDACTED ...]}), which say nothing to the person whose file is broken.
 */
final class JsonErrors {
    private JsonErrors() {
    }

    /** What is wrong and where, e.g. {@code Unexpected end-of-input at line 1, column 9}. */
    static String describe(JsonProcessingException e) {
        String what = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:[^)]*\\)[^)]*\\)", "")
                .lines().findFirst().orElse("");
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : what + " at line " + at.getLineNr() + ", column "
                + at.getColumnNr();
    }
}
