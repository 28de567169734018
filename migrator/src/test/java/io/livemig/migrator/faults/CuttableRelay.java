package io.livemig.migrator.faults;

import io.livemig.migrator.transport.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback for link faults in tests: every connection to {@link #address()} is
 * forwarded to the target, byte for byte, until {@link #cutAll()} closes every relayed connection
 * at once (both ends see the link break) or {@link #refuse(boolean)} makes it turn new ones away.
 */
public final class CuttableRelay implements AutoCloseable {
    private final ServerSocket server;
    private final HostPort target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean refusing;

    public CuttableRelay(HostPort target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "relay-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    /** Connections relayed so far. */
    public long accepted() { return accepted.get(); }

    /** Breaks every relayed connection now. */
    public void cutAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // a reset, as a broken link looks to the peer
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
    }

    /** While refusing, new connections are closed as soon as they are accepted. */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                if (refusing) {
                    in.close();
                    continue;
                }
                Socket out = new Socket(target.host(), target.port());
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                sockets.add(in);
                sockets.add(out);
                accepted.incrementAndGet();
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // closed, or the target refused: the source sees its connection drop
            }
        }
    }

    private void pump(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
            } catch (IOException ignored) {
                // cut
            } finally {
                close(from);
                close(to);
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
