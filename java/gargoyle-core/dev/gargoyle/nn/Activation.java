package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * A module-owned tensor reused across steps, so a warm step allocates nothing: it grows when a
 * larger batch arrives and hands out a view of its first rows for a smaller one (an epoch's last batch).
 */
final class Activation implements AutoCloseable {
    private Tensor storage;
    private Tensor view;

    Tensor get(Backend backend, Shape shape) {
        if (view != null && view.shape().equals(shape) && !view.isClosed()) {
            return view;
        }
        boolean fits = storage != null && storage.shape().rank() == shape.rank()
                && storage.shape().sampleSize() == shape.sampleSize() && storage.shape().dim(0) >= shape.dim(0);
        if (!fits) {
            close();
            storage = backend.allocate(shape);
        }
        view = storage.slice(0, shape);
        return view;
    }

    @Override
    public void close() {
        if (storage != null) {
            storage.close();
            storage = null;
            view = null;
        }
    }
}
