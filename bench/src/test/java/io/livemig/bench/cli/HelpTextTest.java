package io.livemig.bench.cli;

import io.livemig.bench.LivemigMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Help texts read as sentences: no description (of a command or an option) is cut into lines by
 * hand; picocli wraps them at its usage width (80 columns unless set: the commands do not ask for
 * the terminal's width). Options with a fixed set of values list their choices.
 */
class HelpTextTest {
    private static final CommandLine LIVEMIG = LivemigMain.commandLine();

    @Test
    void noDescriptionCarriesAHardLineBreak() {
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : LIVEMIG.getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            check(sub.getKey(), spec.usageMessage().description(), broken);
            for (OptionSpec option : spec.options()) check(sub.getKey() + " " + option.longestName(), option.description(), broken);
        }
        check("livemig", LIVEMIG.getCommandSpec().usageMessage().description(), broken);
        assertThat(LIVEMIG.getSubcommands()).containsKeys("run", "source", "dest", "demo", "experiment");
        assertThat(broken).as("descriptions split into lines by hand").isEmpty();
    }

    @Test
    void aSentenceOfSourceHelpStaysWholeAtAWideTerminal() {
        String help = usage("source", 250);
        assertThat(help).contains("Exit status 0 when the migration completed with the memory digest verified, 1 otherwise");
        assertThat(usage("dest", 250)).contains("Exit status 0 when the guest ran here for --run-for with its memory digest verified");
    }

    @Test
    void optionsWithAFixedSetOfValuesListTheirChoices() {
        assertThat(usage("source", 120).replaceAll("\\s+", " ")).contains("one of before-resume, after-resume");
        assertThat(usage("dest", 120).replaceAll("\\s+", " ")).contains("one of handshake, pages, stop-and-copy, ready");
    }

    private static void check(String where, String[] description, List<String> broken) {
        String text = String.join("", description);
        if (description.length > 1 || text.contains("\n") || text.contains("%n")) broken.add(where + ": " + String.join(" | ", description));
    }

    private static String usage(String command, int width) {
        CommandLine sub = LIVEMIG.getSubcommands().get(command);
        sub.getCommandSpec().usageMessage().width(width);
        return sub.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
