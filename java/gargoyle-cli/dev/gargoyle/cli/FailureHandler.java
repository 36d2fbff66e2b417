package dev.gargoyle.cli;

import dev.gargoyle.tensor.GargoyleException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Prints a failure as one clear line (the stack trace only with {@code GARGOYLE_DEBUG=1}) and
 * returns exit code 1; {@link IllegalArgumentException}s from option values are usage errors (2).
 */
final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        if (ex instanceof UsageException) {
            cmd.getErr().println("gargoyle " + cmd.getCommandName() + ": " + ex.getMessage());
            cmd.usage(cmd.getErr());
            return CommandLine.ExitCode.USAGE;
        }
        cmd.getErr().println("gargoyle " + cmd.getCommandName() + ": error: " + describe(ex));
        if ("1".equals(System.getenv("GARGOYLE_DEBUG"))) {
            ex.printStackTrace(cmd.getErr());
        }
        return CommandLine.ExitCode.SOFTWARE;
    }

    /**
     * One line. Our own exceptions already say what is wrong and where, so their causes (a library's
     * internals) are left to {@code GARGOYLE_DEBUG}; any other exception gets its causes' first lines.
     */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(firstLine(t));
        if (t instanceof GargoyleException) {
            return sb.toString();
        }
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String line = firstLine(c);
            if (c.getMessage() != null && !sb.toString().contains(line)) {
                sb.append(": ").append(line);
            }
        }
        return sb.toString();
    }

    private static String firstLine(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
    }
}
