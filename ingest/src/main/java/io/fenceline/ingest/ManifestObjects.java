package io.fenceline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.model.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a manifest object (JSON as parsed) to the same slim form {@link SlimObjects} gives for
 * the API's objects. Values are copied as written, valid or not (the engine judges); only what an
 * event cannot do without — a kind and a name — is required.
 */
public final class ManifestObjects {
  private ManifestObjects() {}

  /**
   * The size in bytes of the slim object ingest publishes for {@code raw} (0 for objects it does
   * not publish): what {@code compile} compares with the event bound, so that it enforces what the
   * pipeline enforces.
   */
  public static long publishedSize(RawObject raw) {
    try {
      SlimObject slim = of(raw);
      return slim == null ? 0 : io.fenceline.core.manifest.OversizeObjects.size(slim.object());
    } catch (ManifestReadException e) {
      return 0; // not publishable at all; compile reports it through its own decoder
    }
  }

  /** The slim object, or null for a kind fenceline does not read. */
  static SlimObject of(RawObject raw) throws ManifestReadException {
    JsonNode n = raw.node();
    JsonNode kindNode = n.get("kind");
    if (kindNode == null || !kindNode.isTextual() || kindNode.asText().isEmpty()) {
      throw new ManifestReadException(raw.location() + ": object without a kind");
    }
    Kind kind = Kind.fromApiName(kindNode.asText());
    if (kind == null) {
      return null;
    }
    JsonNode meta = n.path("metadata");
    JsonNode nameNode = meta.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
      throw new ManifestReadException(
          raw.location() + ": " + kind.apiName() + " without metadata.name");
    }
    boolean namespaced = kind.namespaced();
    String namespace = "";
    if (namespaced) {
      JsonNode ns = meta.get("namespace");
      if (ns != null && !ns.isNull() && (!ns.isTextual())) {
        throw new ManifestReadException(
            raw.location()
                + ": "
                + kind.apiName()
                + " "
                + nameNode.asText()
                + ": metadata.namespace must be a string");
      }
      namespace = ns == null || ns.isNull() || ns.asText().isEmpty() ? "default" : ns.asText();
    }
    ObjectNode root = SlimObjects.JSON.createObjectNode();
    root.put(
        "apiVersion",
        n.hasNonNull("apiVersion") && n.get("apiVersion").isTextual()
            ? n.get("apiVersion").asText()
            : kind == Kind.NETWORK_POLICY ? "networking.k8s.io/v1" : "v1");
    root.put("kind", kind.apiName());
    ObjectNode m = root.putObject("metadata");
    m.put("name", nameNode.asText());
    if (namespaced) {
      m.put("namespace", namespace);
    }
    JsonNode labels = meta.get("labels");
    if (labels != null && !labels.isNull() && !(labels.isObject() && labels.isEmpty())) {
      m.set("labels", labels.isObject() ? sorted((ObjectNode) labels) : labels.deepCopy());
    }
    String uid = text(meta, "uid");
    String rv = text(meta, "resourceVersion");
    if (uid != null) {
      m.put("uid", uid);
    }
    if (rv != null) {
      m.put("resourceVersion", rv);
    }
    switch (kind) {
      case POD -> pod(n, root);
      case NETWORK_POLICY -> {
        if (n.has("spec") && !n.get("spec").isNull()) {
          root.set("spec", n.get("spec").deepCopy());
        }
      }
      case NODE -> {
        JsonNode addresses = n.path("status").get("addresses");
        if (addresses != null && addresses.isArray() && !addresses.isEmpty()) {
          ArrayNode as = root.putObject("status").putArray("addresses");
          for (JsonNode a : addresses) {
            if (a.isObject()) {
              ObjectNode an = as.addObject();
              copy(a, "type", an);
              copy(a, "address", an);
            } else {
              as.add(a.deepCopy());
            }
          }
        } else if (addresses != null && !addresses.isNull() && !addresses.isArray()) {
          root.putObject("status").set("addresses", addresses.deepCopy());
        }
      }
      case NAMESPACE -> {}
    }
    return new SlimObject(kind, namespace, nameNode.asText(), uid, rv, root);
  }

  private static void pod(JsonNode n, ObjectNode root) {
    JsonNode spec = n.path("spec");
    ObjectNode s = SlimObjects.JSON.createObjectNode();
    copy(spec, "nodeName", s);
    JsonNode hostNetwork = spec.get("hostNetwork");
    if (hostNetwork != null
        && !hostNetwork.isNull()
        && !(hostNetwork.isBoolean() && !hostNetwork.asBoolean())) {
      s.set("hostNetwork", hostNetwork.deepCopy());
    }
    JsonNode containers = spec.get("containers");
    if (containers != null && containers.isArray() && !containers.isEmpty()) {
      ArrayNode cs = s.putArray("containers");
      for (JsonNode c : containers) {
        if (!c.isObject()) {
          cs.add(c.deepCopy());
          continue;
        }
        ObjectNode cn = cs.addObject();
        copy(c, "name", cn);
        JsonNode ports = c.get("ports");
        if (ports != null && ports.isArray() && !ports.isEmpty()) {
          ArrayNode ps = cn.putArray("ports");
          for (JsonNode p : ports) {
            if (!p.isObject()) {
              ps.add(p.deepCopy());
              continue;
            }
            ObjectNode pn = ps.addObject();
            copy(p, "name", pn);
            copy(p, "containerPort", pn);
            copy(p, "protocol", pn);
          }
        } else if (ports != null && !ports.isNull() && !ports.isArray()) {
          cn.set("ports", ports.deepCopy());
        }
      }
    } else if (containers != null && !containers.isNull() && !containers.isArray()) {
      s.set("containers", containers.deepCopy());
    }
    if (!s.isEmpty()) {
      root.set("spec", s);
    }
    JsonNode status = n.path("status");
    ObjectNode st = SlimObjects.JSON.createObjectNode();
    copy(status, "phase", st);
    copy(status, "podIP", st);
    JsonNode podIps = status.get("podIPs");
    if (podIps != null && podIps.isArray() && !podIps.isEmpty()) {
      ArrayNode ips = st.putArray("podIPs");
      for (JsonNode ip : podIps) {
        if (ip.isObject()) {
          ObjectNode in = ips.addObject();
          copy(ip, "ip", in);
        } else {
          ips.add(ip.deepCopy());
        }
      }
    } else if (podIps != null && !podIps.isNull() && !podIps.isArray()) {
      st.set("podIPs", podIps.deepCopy());
    }
    if (!st.isEmpty()) {
      root.set("status", st);
    }
  }

  private static void copy(JsonNode from, String field, ObjectNode to) {
    JsonNode v = from.get(field);
    if (v != null && !v.isNull()) {
      to.set(field, v.deepCopy());
    }
  }

  private static String text(JsonNode obj, String field) {
    JsonNode v = obj.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static ObjectNode sorted(ObjectNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    ObjectNode out = SlimObjects.JSON.createObjectNode();
    for (String k : names) {
      out.set(k, o.get(k).deepCopy());
    }
    return out;
  }
}
