/**
 * Images: folders of labelled images decoded, resized and augmented with OpenCV ({@code data}),
 * the model zoo ({@code models}: AheNet and its predictor), and the interpretability tools
 * ({@code viz}: feature maps, class images, unit probes).
 */
module dev.gargoyle.vision {
    requires transitive dev.gargoyle.core;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.opencv;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.desktop;

    exports dev.gargoyle.data;
    exports dev.gargoyle.models;
    exports dev.gargoyle.viz;
}
