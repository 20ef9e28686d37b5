package io.fenceline.it.security;

import io.fenceline.it.containers.ContainerImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACL table of {@code docs/security.md} (section "Kafka ACLs"), read as the ACL bindings a test grants:
 * the documented list is the tested list. Placeholders in names: {@code <cluster>}.
 */
final class AclTable {
  static final String SECTION = "## Kafka ACLs";

  private AclTable() {}

  static Path doc() {
    return ContainerImages.repoDir().resolve("docs/security.md");
  }

  /** Every row's bindings (one per operation), ALLOW from any host, {@code <cluster>} replaced. */
  static List<AclBinding> bindings(String cluster) throws IOException {
    List<AclBinding> out = new ArrayList<>();
    boolean inSection = false;
    int lineNo = 0;
    for (String line : Files.readAllLines(doc())) {
      lineNo++;
      if (line.startsWith("## ")) {
        inSection = line.strip().equals(SECTION);
        continue;
      }
      if (!inSection || !line.startsWith("| `User:")) {
        continue;
      }
      String[] cells = line.split("\\|");
      if (cells.length < 6) {
        throw new IllegalArgumentException(doc() + ":" + lineNo + ": an ACL row needs 5 cells: " + line);
      }
      String principal = unquote(cells[1]);
      try {
        ResourceType type = ResourceType.valueOf(cells[2].strip().toUpperCase(Locale.ROOT));
        PatternType pattern = PatternType.valueOf(cells[3].strip().toUpperCase(Locale.ROOT));
        String name = unquote(cells[4]).replace("<cluster>", cluster);
        for (String op : cells[5].split(",")) {
          AclOperation operation = AclOperation.valueOf(op.strip().toUpperCase(Locale.ROOT));
          out.add(new AclBinding(new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(doc() + ":" + lineNo + ": " + e.getMessage() + ": " + line, e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(doc() + " has no ACL rows under '" + SECTION + "'");
    }
    return out;
  }

  private static String unquote(String cell) {
    return cell.strip().replace("`", "");
  }
}
