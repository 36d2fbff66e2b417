package dev.gargoyle.viz;

import java.util.ArrayList;
import java.util.List;

/** The handles of hooks registered for one job, removed together (the handles' close cannot fail). */
final class Hooks implements AutoCloseable {
    private final List<AutoCloseable> handles = new ArrayList<>();

    Hooks add(AutoCloseable handle) {
        handles.add(handle);
        return this;
    }

    @Override
    public void close() {
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not remove a hook", e);
            }
        }
        handles.clear();
    }
}
