package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.VcpuState;

import java.util.List;

/** The vCPU states a destination collects from the source: each vCPU's exactly once, all of them before the guest may start. */
final class IncomingVcpuStates {
    private final io.livemig.emulator.VcpuState[] states;

    IncomingVcpuStates(int vcpus) {
        this.states = new io.livemig.emulator.VcpuState[vcpus];
    }

    void accept(VcpuState vcpu) {
        if (vcpu.vcpu() < 0 || vcpu.vcpu() >= states.length) {
            throw new ProtocolException("state for vCPU " + vcpu.vcpu() + " of a guest with " + states.length);
        }
        if (states[vcpu.vcpu()] != null) throw new ProtocolException("state for vCPU " + vcpu.vcpu() + " sent twice");
        states[vcpu.vcpu()] = new io.livemig.emulator.VcpuState(vcpu.vcpu(), vcpu.registers());
    }

    /** Every vCPU's state; {@code moment} names what may not happen without them (for the error). */
    List<io.livemig.emulator.VcpuState> all(String moment) {
        for (int i = 0; i < states.length; i++) {
            if (states[i] == null) throw new ProtocolException(moment + " without the state of vCPU " + i);
        }
        return List.of(states);
    }
}
