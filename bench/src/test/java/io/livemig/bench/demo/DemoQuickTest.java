package io.livemig.bench.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's non-interactive form with tiny settings: a destination child JVM per policy. */
class DemoQuickTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void quickDemoPrintsOneTableRowPerPolicy() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new DemoCommand()).execute("--quick", "--policies", "none,cpu-scheduling");
        } finally {
            System.setOut(saved);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        saved.print(out);
        assertEquals(0, exit, out);
        List<String> lines = out.lines().toList();
        int header = lines.indexOf(ComparisonTable.HEADER);
        assertTrue(header >= 0, "table header printed");
        assertTrue(lines.get(header + 1).startsWith("none "), lines.get(header + 1));
        assertTrue(lines.get(header + 2).startsWith("cpu-scheduling "), lines.get(header + 2));
        assertTrue(lines.get(header + 1).endsWith("yes") && lines.get(header + 2).endsWith("yes"), "both verified");
        assertTrue(lines.get(header + 3).startsWith("verdict: cpu-scheduling "), lines.get(header + 3));
        assertTrue(out.contains("none: round  0"), "plain progress lines when not on a terminal");
    }
}
