package io.livemig.bench.cli;

import io.livemig.bench.LivemigMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Help texts read as sentences: no description (of a command, a subcommand such as {@code ctl boot},
 * or an option) is cut into lines by hand; picocli wraps them at its usage width, which every
 * command takes from the terminal ({@code usageHelpAutoWidth}; 80 columns when there is none).
 * Options with a fixed set of values list their choices.
 */
class HelpTextTest {
    private static final CommandLine LIVEMIG = LivemigMain.commandLine();

    @Test
    void noDescriptionCarriesAHardLineBreak() {
        List<String> broken = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (CommandLine command : everyCommand(LIVEMIG, new ArrayList<>())) {
            CommandSpec spec = command.getCommandSpec();
            String where = spec.qualifiedName();
            seen.add(where);
            check(where, spec.usageMessage().description(), broken);
            for (OptionSpec option : spec.options()) check(where + " " + option.longestName(), option.description(), broken);
        }
        assertThat(LIVEMIG.getSubcommands()).containsKeys("run", "source", "dest", "demo", "experiment", "ctl");
        assertThat(seen).contains("livemig ctl boot", "livemig ctl list", "livemig ctl stop", "livemig ctl migrate",
                "livemig ctl query", "livemig ctl cancel", "livemig ctl evacuate");
        assertThat(broken).as("descriptions split into lines by hand").isEmpty();
    }

    @Test
    void everyCommandTakesItsWidthFromTheTerminal() {
        List<String> fixedWidth = new ArrayList<>();
        for (CommandLine command : everyCommand(LivemigMain.commandLine(), new ArrayList<>())) {
            if (!command.getCommandSpec().usageMessage().autoWidth()) fixedWidth.add(command.getCommandSpec().qualifiedName());
        }
        assertThat(fixedWidth).as("commands whose help ignores the terminal's width").isEmpty();
    }

    @Test
    void ctlSubcommandHelpStaysWholeAtAWideTerminal() {
        CommandLine evacuate = LivemigMain.commandLine().getSubcommands().get("ctl").getSubcommands().get("evacuate");
        String description = String.join("", evacuate.getCommandSpec().usageMessage().description());
        evacuate.getCommandSpec().usageMessage().autoWidth(false).width(description.length() + 40);
        assertThat(evacuate.getUsageMessage(CommandLine.Help.Ansi.OFF)).contains(description);
    }

    private static List<CommandLine> everyCommand(CommandLine command, List<CommandLine> into) {
        into.add(command);
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!into.contains(sub)) everyCommand(sub, into);
        }
        return into;
    }

    @Test
    void aSentenceOfSourceHelpStaysWholeAtAWideTerminal() {
        String help = usage("source", 250);
        assertThat(help).contains("Exit status 0 when the migration completed with the memory digest verified, 1 otherwise");
        assertThat(usage("dest", 250)).contains("Exit status 0 when the guest ran here for --run-for with its memory digest verified")
                .contains("A digest mismatch found after resume stops the guest: --stats-json says status failed, with the reason in error.")
                .contains("leaves the guest running here unverified: status completed, digest_verified false, the reason in error, and exit status 1.");
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
        sub.getCommandSpec().usageMessage().autoWidth(false).width(width);
        return sub.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
