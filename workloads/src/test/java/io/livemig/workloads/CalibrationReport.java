package io.livemig.workloads;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;

import java.util.Locale;

/**
 * Not a test: a report command for the loose checks that tests must not time. For memwrite at a
 * few rates it prints the calibrated target, the dirty rate measured per second of vCPU CPU time
 * (the rate at 100 % CPU) and the throughput at caps 100 % and 50 %. Run:
 * {@code java -cp ... io.livemig.workloads.CalibrationReport [seconds]}.
 */
public final class CalibrationReport {
    private CalibrationReport() {}

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        System.out.println("spec | target MiB/s | spins/touch | measured MiB/s per CPU-s | error % | ops per CPU-s | ops/s cap100 | ops/s cap50 | ratio | CPU share at cap50 %");
        for (String spec : new String[] {"memwrite:wss=32m,rate=16m", "memwrite:wss=32m,rate=64m", "memwrite:wss=32m,rate=256m",
                "memwrite:wss=32m,rate=64m,pattern=sequential", "memwrite:wss=32m", "hotcold:wss=32m", "kvstore:records=20000",
                "stencil:n=512"}) {
            Workload w = Workloads.parse(spec);
            try (VirtualMachine vm = VirtualMachine.boot("r", new GuestConfig(64L << 20, 1), w)) {
                vm.start();
                Thread.sleep(200); // warm-up
                long ops0 = vm.totalOps(), cpu0 = vm.cpuTimeNanos(), t0 = System.nanoTime();
                Thread.sleep((long) (seconds * 1000));
                long ops1 = vm.totalOps(), cpu1 = vm.cpuTimeNanos(), t1 = System.nanoTime();
                vm.scheduler().setCapAll(50);
                Thread.sleep(200);
                long ops2 = vm.totalOps(), cpu2 = vm.cpuTimeNanos(), t2 = System.nanoTime();
                Thread.sleep((long) (seconds * 1000));
                long ops3 = vm.totalOps(), cpu3 = vm.cpuTimeNanos(), t3 = System.nanoTime();
                vm.pause();
                boolean ok = vm.verify().ok();
                vm.stop();
                double perCpu = (ops1 - ops0) * (double) vm.memory().pageSize() / ((cpu1 - cpu0) / 1e9) / (1 << 20);
                double full = (ops1 - ops0) / ((t1 - t0) / 1e9), half = (ops3 - ops2) / ((t3 - t2) / 1e9);
                String target = "-", spins = "-", error = "-";
                if (w instanceof MemWrite m) {
                    MemWrite.Calibration c = MemWrite.calibration(vm.memory());
                    spins = Long.toString(c.spinsPerTouch());
                    if (m.rateBytesPerSec() > 0) {
                        target = Long.toString(m.rateBytesPerSec() >> 20);
                        error = String.format(Locale.ROOT, "%+.1f", 100 * (perCpu - (m.rateBytesPerSec() >> 20)) / (m.rateBytesPerSec() >> 20));
                    }
                }
                System.out.printf(Locale.ROOT, "%s | %s | %s | %s | %s | %.0f | %.0f | %.0f | %.2f | %.0f%s%n", spec, target, spins,
                        w instanceof MemWrite ? String.format(Locale.ROOT, "%.1f", perCpu) : "-", error, (ops1 - ops0) / ((cpu1 - cpu0) / 1e9), full, half, half / full, 100.0 * (cpu3 - cpu2) / (t3 - t2),
                        ok ? "" : " VERIFY FAILED");
            }
        }
    }
}
