package io.fenceline.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The probe agent: one long-lived JVM per host namespace, started by {@link AgentProcess}.
 *
 * <p>Serves TCP and UDP on ports 80 and 81 on all addresses (dual-stack sockets: one per protocol
 * and port accepts IPv4 and IPv6), answering every connection / datagram with its host id. Reads
 * probe commands on stdin, {@code <id> <TCP|UDP> <address> <port>}, runs them concurrently and
 * answers on stdout with {@code <id> OK <ms> <reply>} or {@code <id> ERR <ms> <exception>:
 * <message>}. Prints {@code ready} once all sockets are bound. Exits as soon as stdin closes, so a
 * dead test JVM leaves no agent behind.
 */
public final class ProbeAgent {

  /**
   * System property naming the ports agents serve; the lab passes its own value on to each agent.
   */
  public static final String PORTS_PROPERTY = "fenceline.agent.ports";

  /**
   * Ports served: 80 and 81 unless {@code fenceline.agent.ports} (comma-separated) says otherwise.
   */
  static final int[] PORTS =
      java.util.Arrays.stream(System.getProperty(PORTS_PROPERTY, "80,81").split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .mapToInt(Integer::parseInt)
          .toArray();

  static final int DEFAULT_TIMEOUT_MS = 1500;

  private final String id;
  private final int timeoutMs;
  private final PrintStream out;

  private ProbeAgent(String id, int timeoutMs, PrintStream out) {
    this.id = id;
    this.timeoutMs = timeoutMs;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ProbeAgent <hostId> [timeoutMs]");
      System.exit(2);
    }
    int timeout = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_TIMEOUT_MS;
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false,
            StandardCharsets.UTF_8);
    new ProbeAgent(args[0], timeout, out).run(System.in);
  }

  private void run(InputStream stdin) throws IOException {
    for (int port : PORTS) {
      ServerSocket tcp = new ServerSocket();
      tcp.setReuseAddress(true);
      tcp.bind(new InetSocketAddress(port), 256);
      DatagramSocket udp = new DatagramSocket(null);
      udp.setReuseAddress(true);
      udp.bind(new InetSocketAddress(port));
      daemon("tcp-" + port, () -> serveTcp(tcp));
      daemon("udp-" + port, () -> serveUdp(udp));
    }
    ExecutorService probes =
        new ThreadPoolExecutor(
            64,
            64,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(null, r, "probe", 256 * 1024);
              t.setDaemon(true);
              return t;
            });
    reply("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.strip().split(" ");
      if (cmd.length == 4) {
        probes.execute(() -> probe(cmd[0], cmd[1], cmd[2], Integer.parseInt(cmd[3])));
      } else if (!line.isBlank()) {
        reply("? bad command: " + line);
      }
    }
    Runtime.getRuntime().halt(0);
  }

  private void probe(String requestId, String protocol, String address, int port) {
    long start = System.nanoTime();
    try {
      InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(address), port);
      String answer = "TCP".equals(protocol) ? tcp(target) : udp(target);
      reply(requestId + " OK " + millisSince(start) + " " + answer);
    } catch (Exception e) {
      String msg =
          (e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
              .replaceAll("[\r\n]", " ");
      reply(requestId + " ERR " + millisSince(start) + " " + msg);
    }
  }

  private String tcp(InetSocketAddress target) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(target, timeoutMs);
      s.setSoTimeout(timeoutMs);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      int n = 0;
      int r;
      while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
        n += r;
      }
      return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
    }
  }

  private String udp(InetSocketAddress target) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(target);
      s.setSoTimeout(timeoutMs);
      byte[] ping = "probe".getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(ping, ping.length));
      byte[] buf = new byte[256];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).strip();
    }
  }

  private void serveTcp(ServerSocket server) {
    byte[] answer = (id + "\n").getBytes(StandardCharsets.UTF_8);
    while (true) {
      try (Socket s = server.accept()) {
        OutputStream o = s.getOutputStream();
        o.write(answer);
        o.flush();
      } catch (IOException e) {
        System.err.println("tcp serve: " + e);
      }
    }
  }

  private void serveUdp(DatagramSocket server) {
    byte[] answer = id.getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[512];
    while (true) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        server.receive(p);
        server.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
      } catch (IOException e) {
        System.err.println("udp serve: " + e);
      }
    }
  }

  private void reply(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(null, r, name, 256 * 1024);
    t.setDaemon(true);
    t.start();
  }
}
