package io.livemig.migrator.protocol;

import java.util.Arrays;

/** Source to destination during stop-and-copy, once per vCPU: its fixed-size register file. */
public record VcpuState(int vcpu, long[] registers) implements Message {

    public static final int REGISTER_COUNT = 16;

    public VcpuState {
        ProtocolLimits.checkRange("vcpu", vcpu, 0, ProtocolLimits.MAX_VCPUS - 1);
        if (registers == null || registers.length != REGISTER_COUNT) {
            throw new IllegalArgumentException("a vCPU has " + REGISTER_COUNT + " registers, got "
                    + (registers == null ? "null" : registers.length));
        }
        registers = registers.clone();
    }

    @Override
    public long[] registers() {
        return registers.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.VCPU_STATE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuState other && vcpu == other.vcpu && Arrays.equals(registers, other.registers);
    }

    @Override
    public int hashCode() {
        return 31 * vcpu + Arrays.hashCode(registers);
    }

    @Override
    public String toString() {
        return "VcpuState[vcpu=" + vcpu + ", registers=" + Arrays.toString(registers) + "]";
    }
}
