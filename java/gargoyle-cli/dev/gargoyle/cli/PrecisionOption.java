package dev.gargoyle.cli;

import dev.gargoyle.tensor.BackendOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --precision}, shared by the commands that train. */
final class PrecisionOption {
    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "bf16: CPU convolutions multiply in bfloat16 and activations between convolutions, "
                    + "batch-norm and pooling are kept in it (AVX-512 BF16 or AMX; see info); weights, their "
                    + "gradients and the loss stay FP32.")
    String text;

    /** Whether bf16 was asked for; anything but fp32 or bf16 is a usage error. */
    boolean bf16() {
        return parse(text);
    }

    static boolean parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fp32" -> false;
            case "bf16" -> true;
            default -> throw new UsageException("--precision must be fp32 or bf16, got " + text);
        };
    }

    static BackendOptions options(boolean tf32, boolean bf16) {
        return new BackendOptions(tf32, false, bf16);
    }
}
