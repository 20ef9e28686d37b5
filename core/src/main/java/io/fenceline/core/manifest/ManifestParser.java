package io.fenceline.core.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits manifest text into objects: multi-document YAML or JSON, with {@code List} kinds (and
 * {@code kubectl get -o yaml} output) expanded into their items. Each object keeps the line it
 * starts on. Pure: it takes text, not files.
 */
public final class ManifestParser {
  private static final JsonFactory YAML = YAMLFactory.builder().build();
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ManifestParser() {}

  /**
   * Parses {@code text} read from {@code source}; JSON when the source name ends in {@code .json},
   * YAML otherwise.
   */
  public static List<RawObject> parse(String source, String text) throws ManifestSyntaxException {
    JsonFactory factory = source.endsWith(".json") ? JSON : YAML;
    List<RawObject> out = new ArrayList<>();
    try (JsonParser p = factory.createParser(text)) {
      if (factory == YAML) {
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      }
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        if (t == JsonToken.VALUE_NULL) {
          continue; // an empty YAML document
        }
        if (t != JsonToken.START_OBJECT) {
          throw new ManifestSyntaxException(
              new SourceLocation(source, line),
              "expected an object (a Kubernetes manifest), found " + describe(t));
        }
        List<Integer> itemLines = new ArrayList<>();
        ObjectNode doc = readObject(p, 0, itemLines);
        if (isList(doc)) {
          JsonNode items = doc.get("items");
          if (items != null && !items.isNull() && !items.isArray()) {
            throw new ManifestSyntaxException(
                new SourceLocation(source, line), "'items' of a List must be a list");
          }
          if (items != null && items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
              JsonNode item = items.get(i);
              int itemLine = i < itemLines.size() ? itemLines.get(i) : line;
              if (!item.isObject()) {
                throw new ManifestSyntaxException(
                    new SourceLocation(source, itemLine), "a List item must be an object");
              }
              out.add(new RawObject(item, new SourceLocation(source, itemLine)));
            }
          }
        } else {
          out.add(new RawObject(doc, new SourceLocation(source, line)));
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
      throw new ManifestSyntaxException(new SourceLocation(source, line), e.getOriginalMessage());
    } catch (IOException e) {
      throw new ManifestSyntaxException(
          new SourceLocation(source, 1), String.valueOf(e.getMessage()));
    }
    return out;
  }

  private static boolean isList(ObjectNode doc) {
    JsonNode kind = doc.get("kind");
    return kind != null && kind.isTextual() && kind.asText().endsWith("List") && doc.has("items");
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> t.toString();
    };
  }

  /**
   * Builds the object at the current START_OBJECT; at depth 0 notes where each 'items' element
   * starts.
   */
  private static ObjectNode readObject(JsonParser p, int depth, List<Integer> itemLines)
      throws IOException {
    ObjectNode node = NODES.objectNode();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (depth == 0 && "items".equals(name) && v == JsonToken.START_ARRAY) {
        ArrayNode arr = NODES.arrayNode();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          itemLines.add(p.currentTokenLocation().getLineNr());
          arr.add(readValue(p, e, depth + 1));
        }
        node.set(name, arr);
      } else {
        node.set(name, readValue(p, v, depth + 1));
      }
    }
    return node;
  }

  private static JsonNode readValue(JsonParser p, JsonToken t, int depth) throws IOException {
    switch (t) {
      case START_OBJECT:
        return readObject(p, depth, new ArrayList<>());
      case START_ARRAY:
        {
          ArrayNode arr = NODES.arrayNode();
          JsonToken e;
          while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            arr.add(readValue(p, e, depth + 1));
          }
          return arr;
        }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseFailure(p, "unexpected token " + t);
    }
  }

  private static final class JsonParseFailure
      extends com.fasterxml.jackson.core.JsonParseException {
    JsonParseFailure(JsonParser p, String msg) {
      super(p, msg);
    }
  }
}
