package io.livemig.bench.experiment;

import io.livemig.migrator.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code livemig experiment --matrix FILE --out DIR}: every cell of a matrix as real two-JVM migrations. */
@Command(name = "experiment", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Runs every cell of a matrix (YAML or JSON) as a live migration between two child JVMs on "
                + "127.0.0.1 and writes results.csv, results.json, rounds.csv, PNG charts and report.md to --out. "
                + "A failed run is recorded with its reason and the matrix goes on. Exit 0 when every run completed "
                + "with its digest verified, 1 otherwise, 2 for bad input.")
public final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--matrix", required = true, paramLabel = "FILE", description = "The matrix, e.g. bench/matrices/quick.yaml.")
    Path matrixFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the results (created).")
    Path out;

    @Option(names = "--report-only", description = "Run nothing: redraw the charts and report.md from an existing results.json in --out.")
    boolean reportOnly;

    @Override
    public Integer call() throws Exception {
        Matrix matrix = Matrix.read(matrixFile);
        if (reportOnly) {
            List<RunResult> previous = ResultsWriter.read(out.resolve("results.json"));
            Report.write(out, matrix, previous, Charts.write(out, previous, matrix.labels()));
            System.out.printf("livemig experiment: report for %d runs: %s%n", previous.size(), out.resolve("report.md"));
            return Cli.EXIT_OK;
        }
        List<Matrix.Cell> cells = matrix.cells();
        Files.createDirectories(out);
        ExperimentRunner runner = new ExperimentRunner(matrix);
        List<RunResult> results = new ArrayList<>();
        long startNs = System.nanoTime();
        System.out.printf("livemig experiment: %s, %d runs, results in %s%n", matrix.name(), cells.size(), out);
        for (Matrix.Cell cell : cells) {
            RunResult r = runner.run(cell, out.resolve("runs").resolve(String.format(Locale.ROOT, "%03d", cell.run())));
            results.add(r);
            double elapsedS = (System.nanoTime() - startNs) / 1e9;
            double leftS = elapsedS / results.size() * (cells.size() - results.size());
            System.out.printf(Locale.ROOT, "[%d/%d] %-60s %s%s  (%.1f s; elapsed %s, ~%s left)%n", cell.run(), cells.size(),
                    cell.key() + " rep " + cell.repetition(), r.ok() ? "ok" : "FAILED",
                    r.ok() ? String.format(Locale.ROOT, " downtime %.0f ms, %d rounds", r.number("downtime_ms"), (int) r.number("rounds"))
                            : ": " + r.reason(), r.wallTimeS(), clock(elapsedS), clock(leftS));
            ResultsWriter.write(out, results); // after every run: a matrix cut short keeps what it measured
        }
        List<String> charts = Charts.write(out, results, matrix.labels());
        Report.write(out, matrix, results, charts);
        long ok = results.stream().filter(RunResult::ok).count();
        System.out.printf("livemig experiment: %d/%d runs completed with digest verified; report: %s%n", ok, results.size(),
                out.resolve("report.md"));
        return ok == results.size() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
