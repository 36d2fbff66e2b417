package dev.gargoyle.cuda;

/**
 * Runs every release step of a close() even when one fails, then throws the first failure (with
 * the others suppressed), so one bad free cannot leak the resources after it.
 */
final class Release {
    private RuntimeException failure;

    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    void done() {
        if (failure != null) {
            throw failure;
        }
    }
}
