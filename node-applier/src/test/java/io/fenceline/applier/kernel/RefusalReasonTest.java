package io.fenceline.applier.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalReasonTest {
  @Test
  void ipsetRefusalNamesTheCommandTheMessageAndTheRefusedInputLine() {
    String input =
        "create FNL-A hash:net family inet\nadd FNL-A 10.0.0.0/24\ncreate FNL-P4-x hash:net family inet hashsize 1024\n";
    String reason =
        RefusalReason.of(
            List.of("ip", "netns", "exec", "node-1", "ipset", "restore"),
            1,
            "ipset v7.17: Error in line 3: Set cannot be created: set with the same name already exists\n",
            input);
    assertThat(reason)
        .isEqualTo(
            "ipset restore (netns node-1) exited 1: Error in line 3: Set cannot be created: set with the"
                + " same name already exists [input line 3: create FNL-P4-x hash:net family inet hashsize 1024]");
  }

  @Test
  void iptablesRestoreOutputBecomesOneLineWithoutBannerOrUsageHint() {
    String stderr =
        "iptables-restore v1.8.9 (nf_tables): \nline 5: CHAIN_DEL failed (Device or resource busy): chain FNL-D\n";
    String input = "# header\n*filter\n:FNL-E - [0:0]\n:FNL-D - [0:0]\n-X FNL-D\nCOMMIT\n";
    assertThat(RefusalReason.of(List.of("iptables-restore", "--noflush"), 4, stderr, input))
        .isEqualTo(
            "iptables-restore --noflush exited 4: line 5: CHAIN_DEL failed (Device or resource busy): chain FNL-D"
                + " [input line 5: -X FNL-D]");
    String legacy =
        "iptables-restore v1.8.9 (nf_tables): Set FNL-NOPE doesn't exist.\n\nError occurred at line: 3\n"
            + "Try `iptables-restore -h' or 'iptables-restore --help' for more information.\n";
    assertThat(
            RefusalReason.of(
                List.of("iptables-restore", "--noflush"),
                2,
                legacy,
                "a\nb\n-A FNL-C -m set --match-set FNL-NOPE src\n"))
        .isEqualTo(
            "iptables-restore --noflush exited 2: Set FNL-NOPE doesn't exist.; Error occurred at line: 3"
                + " [input line 3: -A FNL-C -m set --match-set FNL-NOPE src]");
  }

  @Test
  void theFailedLineIsReadFromEitherTool() {
    assertThat(RefusalReason.failedLine("ipset v7.17: Error in line 12: Hash is full"))
        .hasValue(12);
    assertThat(RefusalReason.failedLine("Error occurred at line: 7")).hasValue(7);
    assertThat(RefusalReason.failedLine("iptables-restore: \nline 5: CHAIN_DEL failed"))
        .hasValue(5);
    assertThat(RefusalReason.failedLine("timed out after 60 s")).isEmpty();
  }

  @Test
  void aHugeOrMultiLineMessageStaysOneBoundedLine() {
    String stderr = "x".repeat(5000) + "\n" + "y\u0007z\n";
    String reason =
        RefusalReason.of(List.of("ipset", "restore"), 1, stderr, "line\n".repeat(10_000));
    assertThat(reason)
        .hasSizeLessThanOrEqualTo(RefusalReason.MAX_LENGTH)
        .doesNotContain("\n")
        .endsWith("…");
    assertThat(RefusalReason.of(List.of("ipset", "restore"), 1, "", null))
        .isEqualTo("ipset restore exited 1: (no message)");
    assertThat(
            RefusalReason.of(
                List.of("ipset", "restore"), 1, "Error in line 99: x", "only one line\n"))
        .as("a line number beyond the input is not quoted")
        .isEqualTo("ipset restore exited 1: Error in line 99: x");
  }

  @Test
  void theExceptionCarriesItsInput() {
    CommandFailedException e =
        new CommandFailedException(
            List.of("ipset", "restore"),
            1,
            "ipset v7.17: Error in line 2: Hash is full, cannot add more elements\n",
            "create FNL-B hash:ip maxelem 1\nadd FNL-B 1.1.1.2\n");
    assertThat(e.reason())
        .isEqualTo(
            "ipset restore exited 1: Error in line 2: Hash is full, cannot add more elements"
                + " [input line 2: add FNL-B 1.1.1.2]");
    assertThat(e.failedLine()).hasValue(2);
  }
}
