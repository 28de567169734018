package io.livemig.bench.report;
public final class ScratchCeiling {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        for (int i = 0; i < n; i++) System.out.printf("ceiling %.0f MiB/s%n", RawCeiling.measure(1L << 30) / (1 << 20));
    }
}
