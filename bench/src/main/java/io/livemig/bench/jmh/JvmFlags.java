package io.livemig.bench.jmh;

/**
 * The JVM flags every forked benchmark JVM needs, as compile-time constants so they can go into
 * {@code @Fork(jvmArgsAppend = ...)}. They must match the parent pom's {@code livemig.jvm.flags}
 * (the list in {@code bench/target/classes/livemig-jvm.flags}); {@code run-jmh.sh} checks it.
 */
final class JvmFlags {
    static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String EXPORT_INTERNAL_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    static final String NO_DISK_MONITOR = "-Dchronicle.disk.monitor.disable=true";

    private JvmFlags() {}
}
