package dev.gargoyle.cli;

/** A bad option value found after parsing; reported with the usage and exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
