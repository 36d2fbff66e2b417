package dev.gargoyle.train;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is malformed or does not hold the tensors asked for; the message names the file. */
public final class SafetensorsException extends IOException {
    SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    SafetensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
