package dev.gargoyle.cli;

import picocli.CommandLine.IVersionProvider;

/** Gargoyle's version from the jar manifest ("development" when run from classes). */
final class VersionProvider implements IVersionProvider {

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gargoyle " + version()};
    }
}
