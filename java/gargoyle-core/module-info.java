/**
 * Gargoyle's core: tensors and the checked {@code Backend} contract ({@code dev.gargoyle.tensor}),
 * layers with forward and backward side by side ({@code nn}), optimizers and schedules over flat
 * buffers ({@code optim}), the training loop with safetensors checkpoints ({@code train}), and
 * the collectives data-parallel training runs on ({@code dist}).
 * The SPI that backends implement is exported to the backends only.
 */
module dev.gargoyle.core {
    requires org.bytedeco.javacpp;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.gargoyle.tensor;
    exports dev.gargoyle.nn;
    exports dev.gargoyle.optim;
    exports dev.gargoyle.train;
    exports dev.gargoyle.dist;
    exports dev.gargoyle.tensor.spi to dev.gargoyle.cpu, dev.gargoyle.cuda, dev.gargoyle.mpi;

    // The training state saved in checkpoints is a record Jackson reads and writes.
    opens dev.gargoyle.train to com.fasterxml.jackson.databind;

    uses dev.gargoyle.tensor.spi.BackendProvider;
}
