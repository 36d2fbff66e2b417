package dev.gargoyle.train;

import dev.gargoyle.tensor.GargoyleException;

/** A loss that is no longer a number stopped the run; the message names the epoch, micro-batch and update. */
public final class TrainingDivergedException extends GargoyleException {
    TrainingDivergedException(String message) {
        super(message);
    }
}
