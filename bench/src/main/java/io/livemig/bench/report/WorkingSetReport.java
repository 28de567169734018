package io.livemig.bench.report;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.WorkingSetCurve;
import io.livemig.workloads.Workloads;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The writable working-set curve W(tau) of every workload, measured before any migration with the
 * emulator's {@code WorkingSetSampler}: a 256 MiB guest runs each workload for a second, then the
 * dirty log is cleared and the distinct pages dirtied are counted against the vCPU's CPU time, up to
 * one second of it. Prints a Markdown table (W in MiB at fixed tau) and writes a log-log chart.
 *
 * <p>Usage: {@code WorkingSetReport [PNG_FILE]} (default {@code working_set.png}).
 */
public final class WorkingSetReport {
    private static final long MEMORY = 256L << 20;
    private static final List<String> WORKLOADS = List.of(
            "memwrite:wss=254m,pattern=sequential", "memwrite:wss=254m", "memwrite:wss=128m,rate=128m",
            "hotcold:wss=254m", "kvstore", "stencil", "idle");
    private static final long[] TAU_MICROS = {16, 64, 256, 1_000, 4_000, 16_000, 64_000, 256_000, 1_000_000};
    private static final long WINDOW_CPU_NANOS = 1_000_000_000L;
    private static final Duration MAX_WAIT = Duration.ofSeconds(15);

    private WorkingSetReport() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path png = Path.of(args.length > 0 ? args[0] : "working_set.png");
        System.out.printf(Locale.ROOT, "W(tau): 256 MiB guest, 1 vCPU, %d cores, load average %.2f; W in MiB after tau of the vCPU's CPU time%n%n",
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder header = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (long t : TAU_MICROS) {
            header.append(' ').append(t >= 1000 ? t / 1000 + " ms" : t + " us").append(" |");
            rule.append("---:|");
        }
        System.out.println(header.append(" pages/us at 16 us |"));
        System.out.println(rule.append("---:|"));
        XYChart chart = new XYChartBuilder().width(900).height(540).title("Writable working set W(tau), 256 MiB guest")
                .xAxisTitle("tau: CPU time of the vCPU (ms)").yAxisTitle("W: distinct pages dirtied (MiB)").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW);
        for (String spec : WORKLOADS) {
            WorkingSetCurve w = measure(spec);
            StringBuilder row = new StringBuilder("| `" + spec + "` |");
            for (long t : TAU_MICROS) {
                row.append(t * 1000 > w.maxCpuNanos() ? " - |" : String.format(Locale.ROOT, " %.2f |", mib(w, t * 1000)));
            }
            row.append(String.format(Locale.ROOT, " %.1f |", w.isEmpty() ? 0 : w.pagesAt(16_000) / 16.0));
            System.out.println(row);
            addSeries(chart, spec, w);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println();
        System.out.println("chart: " + png);
    }

    private static WorkingSetCurve measure(String spec) throws InterruptedException {
        try (VirtualMachine vm = VirtualMachine.boot("wss", new GuestConfig(MEMORY, 1), Workloads.parse(spec))) {
            vm.start();
            Thread.sleep(1000); // past the start of the threads and the compiler
            WorkingSetCurve w = vm.workingSet().measure(vm.memory().dirtyLog(), WINDOW_CPU_NANOS, MAX_WAIT);
            if (vm.failure() != null) throw new IllegalStateException(spec + " failed", vm.failure());
            return w;
        }
    }

    private static double mib(WorkingSetCurve w, double tauNanos) {
        return w.pagesAt(tauNanos) * 4096 / (1 << 20);
    }

    private static void addSeries(XYChart chart, String spec, WorkingSetCurve w) throws IOException {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            double pages = w.pages()[i];
            if (pages <= 0) continue; // a log axis has no zero
            x.add(w.cpuNanos()[i] / 1e6);
            y.add(pages * 4096 / (1 << 20));
        }
        if (!x.isEmpty()) chart.addSeries(spec, x, y);
    }
}
