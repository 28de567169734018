package io.livemig.migrator.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesHostAndPort() {
        assertThat(HostPort.parse("127.0.0.1:7000")).isEqualTo(new HostPort("127.0.0.1", 7000));
        assertThat(HostPort.parse("[::1]:0")).isEqualTo(new HostPort("::1", 0));
        assertThat(new HostPort("::1", 80)).hasToString("[::1]:80");
    }

    @Test
    void refusesMalformedText() {
        for (String bad : new String[] {"", "7000", ":7000", "host:", "host:port", "host:70000"}) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
