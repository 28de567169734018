package io.livemig.emulator;

/**
 * The platform thread of one vCPU. It carries its vCPU's index so that code on the access path
 * (a fault on a missing page) can charge the time it blocks to the right vCPU without a lookup.
 */
final class VcpuThread extends Thread {
    private final int vcpu;

    VcpuThread(Runnable body, String name, int vcpu) {
        super(body, name);
        this.vcpu = vcpu;
    }

    int vcpu() { return vcpu; }

    /** The vCPU index of the calling thread, or -1 for any other thread. */
    static int currentVcpu() {
        return Thread.currentThread() instanceof VcpuThread t ? t.vcpu : -1;
    }
}
