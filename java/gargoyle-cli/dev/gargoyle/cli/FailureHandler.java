package dev.gargoyle.cli;

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

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
