package io.fenceline.it.security;

import io.fenceline.it.containers.ContainerImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The tables of {@code docs/security.md} that tests use as their input, so that the documented
 * lists are the tested lists: the Kafka ACLs (section "Kafka ACLs") and the applier's Linux
 * capabilities ("Applier capabilities").
 */
public final class SecurityDoc {
  static final String ACL_SECTION = "## Kafka ACLs";
  static final String CAPABILITIES_SECTION = "## Applier capabilities";

  private SecurityDoc() {}

  public static Path doc() {
    return ContainerImages.repoDir().resolve("docs/security.md");
  }

  /**
   * Every row of the ACL table as bindings (one per operation), ALLOW from any host, the
   * placeholder {@code <cluster>} replaced.
   */
  static List<AclBinding> aclBindings(String cluster) throws IOException {
    List<AclBinding> out = new ArrayList<>();
    boolean inSection = false;
    int lineNo = 0;
    for (String line : Files.readAllLines(doc())) {
      lineNo++;
      if (line.startsWith("## ")) {
        inSection = line.strip().equals(ACL_SECTION);
        continue;
      }
      if (!inSection || !line.startsWith("| `User:")) {
        continue;
      }
      String[] cells = line.split("\\|");
      if (cells.length < 6) {
        throw new IllegalArgumentException(
            doc() + ":" + lineNo + ": an ACL row needs 5 cells: " + line);
      }
      String principal = unquote(cells[1]);
      try {
        ResourceType type = ResourceType.valueOf(cells[2].strip().toUpperCase(Locale.ROOT));
        PatternType pattern = PatternType.valueOf(cells[3].strip().toUpperCase(Locale.ROOT));
        String name = unquote(cells[4]).replace("<cluster>", cluster);
        for (String op : cells[5].split(",")) {
          AclOperation operation = AclOperation.valueOf(op.strip().toUpperCase(Locale.ROOT));
          out.add(
              new AclBinding(
                  new ResourcePattern(type, name, pattern),
                  new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            doc() + ":" + lineNo + ": " + e.getMessage() + ": " + line, e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(doc() + " has no ACL rows under '" + ACL_SECTION + "'");
    }
    return out;
  }

  /** The capability names (as Kubernetes writes them: {@code NET_ADMIN}) of the applier's table. */
  public static Set<String> applierCapabilities() throws IOException {
    Set<String> caps = new LinkedHashSet<>();
    boolean inSection = false;
    Pattern row = Pattern.compile("^\\| `([A-Z_]+)` \\|");
    for (String line : Files.readAllLines(doc())) {
      if (line.startsWith("## ")) {
        inSection = line.strip().equals(CAPABILITIES_SECTION);
        continue;
      }
      Matcher m = row.matcher(line);
      if (inSection && m.find()) {
        caps.add(m.group(1));
      }
    }
    if (caps.isEmpty()) {
      throw new IllegalStateException(
          doc() + " lists no capability under '" + CAPABILITIES_SECTION + "'");
    }
    return caps;
  }

  private static String unquote(String cell) {
    return cell.strip().replace("`", "");
  }
}
