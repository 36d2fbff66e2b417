package dev.gargoyle.train;

/** Training stopped because a loss was not finite; the message names the epoch and step. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
