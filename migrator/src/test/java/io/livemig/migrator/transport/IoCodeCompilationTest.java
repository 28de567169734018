package io.livemig.migrator.transport;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IoCodeCompilationTest {

    @Test
    void keepsTheIoCodeOutOfC2AndTheDeltaEncoderInOncePerJvm() throws Exception {
        IoCodeCompilation.requestOnce();
        IoCodeCompilation.requestOnce(); // a second request adds nothing
        assertThat(IoCodeCompilation.outcome().get(30, TimeUnit.SECONDS)).isEqualTo("2 compiler directives added");
        String directives = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        // Directives apply in order, the first that matches wins: the delta encoder's comes first and excludes nothing.
        int deltas = directives.indexOf("io/livemig/migrator/protocol/Xbzrle.*");
        int io = directives.indexOf("io/netty/*.*");
        assertThat(deltas).isNotNegative();
        assertThat(io).isGreaterThan(deltas);
        assertThat(directives.substring(io)).contains("c2 directives:").containsPattern("c2 directives:[\\s\\S]*Exclude:true");
    }
}
