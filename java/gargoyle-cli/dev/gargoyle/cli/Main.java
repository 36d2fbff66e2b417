package dev.gargoyle.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code gargoyle} command line: one subcommand per job. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "gargoyle",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Train convolutional networks from the JVM: cuDNN on the GPU, oneDNN on the CPU.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, VisualizeCommand.class,
            DreamCommand.class, ProbeCommand.class, BenchCommand.class, SampleDataCommand.class, InfoCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; used by tests and by {@link #main}. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new FailureHandler());
        return cli.execute(args);
    }
}
