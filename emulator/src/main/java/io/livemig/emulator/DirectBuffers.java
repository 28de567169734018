package io.livemig.emulator;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;

/**
 * Views of native memory as {@link ByteBuffer}s without copying, so JDK intrinsics (CRC32C) can
 * read guest memory in place. Needs {@code --add-opens java.base/java.nio=ALL-UNNAMED}, which the
 * build and the launcher always pass.
 */
final class DirectBuffers {
    private static final MethodHandle VIEW = findConstructor();

    private DirectBuffers() {}

    /** A buffer over {@code length} bytes at {@code address}; valid while the memory lives. */
    static ByteBuffer view(long address, int length) {
        try {
            return (ByteBuffer) VIEW.invokeExact(address, length);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot view native memory as a ByteBuffer", e);
        }
    }

    private static MethodHandle findConstructor() {
        try {
            Class<?> direct = Class.forName("java.nio.DirectByteBuffer");
            Constructor<?> constructor = direct.getDeclaredConstructor(long.class, int.class);
            constructor.setAccessible(true);
            return MethodHandles.lookup().unreflectConstructor(constructor)
                    .asType(MethodType.methodType(ByteBuffer.class, long.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(
                    "java.nio.DirectByteBuffer(long, int) is not accessible; run the JVM with "
                            + "--add-opens=java.base/java.nio=ALL-UNNAMED (the ./livemig launcher does): " + e);
        }
    }
}
