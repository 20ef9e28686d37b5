package io.fenceline.it.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate it signed (for {@code 127.0.0.1} and
 * {@code localhost}), made at test time with the JDK's {@code keytool}; nothing private is
 * committed. The broker gets a PKCS12 keystore; clients trust the CA through a PEM file ({@code
 * ssl.truststore.type=PEM}), as the Kubernetes Secret in {@code docker/k8s/} does.
 */
final class TlsMaterial {
  final Path brokerKeystore;
  final Path caPem;
  final String password;

  private TlsMaterial(Path brokerKeystore, Path caPem, String password) {
    this.brokerKeystore = brokerKeystore;
    this.caPem = caPem;
    this.password = password;
  }

  static TlsMaterial create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String pw = "test-" + Long.toHexString(System.nanoTime());
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.crt");
    Path broker = dir.resolve("broker.p12");
    Path csr = dir.resolve("broker.csr");
    Path signed = dir.resolve("broker.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=fenceline test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        pw,
        "-keypass",
        pw);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        pw,
        "-file",
        caPem.toString());
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-validity",
        "2",
        "-keystore",
        broker.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        pw,
        "-keypass",
        pw);
    keytool(
        "-certreq",
        "-alias",
        "broker",
        "-keystore",
        broker.toString(),
        "-storepass",
        pw,
        "-file",
        csr.toString());
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        pw,
        "-infile",
        csr.toString(),
        "-outfile",
        signed.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "SAN=IP:127.0.0.1,DNS:localhost",
        "-ext",
        "KU=digitalSignature",
        "-ext",
        "EKU=serverAuth");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        broker.toString(),
        "-storepass",
        pw);
    keytool(
        "-importcert",
        "-alias",
        "broker",
        "-file",
        signed.toString(),
        "-keystore",
        broker.toString(),
        "-storepass",
        pw);
    Files.delete(ca); // the CA's key is not needed any more
    return new TlsMaterial(broker, caPem, pw);
  }

  /** Client properties trusting the test CA, with {@code extra} lines appended. */
  String clientProperties(String securityProtocol, String... extra) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "security.protocol=" + securityProtocol,
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + caPem.toAbsolutePath(),
                "ssl.endpoint.identification.algorithm=https"));
    lines.addAll(List.of(extra));
    return String.join("\n", lines) + "\n";
  }

  static String scramJaas(String user, String password) {
    return "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool " + args[0] + " did not finish in 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "keytool "
              + String.join(" ", args).replaceAll("-(store|key)pass \\S+", "-$1pass ***")
              + " failed (exit "
              + p.exitValue()
              + "):\n"
              + out);
    }
  }
}
