package dev.gargoyle.bench;

/**
 * One validation of a pass against the float64 reference: the largest absolute difference over
 * the largest reference magnitude (at least 1), and the bound it must stay under.
 */
public record Check(String what, double error, double tolerance) {

    public boolean ok() {
        return error <= tolerance;
    }
}
