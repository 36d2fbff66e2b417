package dev.gargoyle.bench;

/** The pass of a layer a measurement is of. */
public enum Pass {
    /** Training forward: convolution, pooling recording its workspace, batch-norm with batch statistics. */
    FORWARD("forward"),
    /** Convolution's input gradient. */
    BACKWARD_DATA("backward-data"),
    /** Convolution's weight gradient. */
    BACKWARD_FILTER("backward-filter"),
    /** The input gradient of pooling, and batch-norm's input and parameter gradients. */
    BACKWARD("backward");

    private final String label;

    Pass(String label) {
        this.label = label;
    }

    /** The name in tables, CSV and JSON. */
    public String label() {
        return label;
    }

    public boolean isBackward() {
        return this != FORWARD;
    }
}
