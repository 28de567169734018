package io.livemig.emulator;

import java.util.Arrays;

/**
 * A vCPU's registers: a small fixed-size record that, with guest memory, is everything a guest
 * program needs to continue on another VM. Immutable: the array is copied in and out.
 */
public record VcpuState(int vcpu, long[] registers) {
    public static final int REGISTER_COUNT = 16;
    public static final int ENCODED_BYTES = 4 + REGISTER_COUNT * 8;

    public VcpuState {
        if (vcpu < 0) throw new IllegalArgumentException("vCPU index must be >= 0, got " + vcpu);
        if (registers.length != REGISTER_COUNT) {
            throw new IllegalArgumentException("a vCPU has " + REGISTER_COUNT + " registers, got " + registers.length);
        }
        registers = registers.clone();
    }

    @Override
    public long[] registers() { return registers.clone(); }

    public long register(int index) { return registers[index]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuState other && other.vcpu == vcpu && Arrays.equals(other.registers, registers);
    }

    @Override
    public int hashCode() { return 31 * vcpu + Arrays.hashCode(registers); }

    @Override
    public String toString() { return "VcpuState[vcpu=" + vcpu + ", registers=" + Arrays.toString(registers) + "]"; }
}
