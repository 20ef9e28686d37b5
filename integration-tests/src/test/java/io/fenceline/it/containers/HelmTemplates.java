package io.fenceline.it.containers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Renders a Helm chart the way {@code helm template} does, for the subset of Go templates and Sprig
 * functions that fenceline's chart uses. There is no helm binary here: Debian has no helm package;
 * Maven Central has Helm only as a native library inside helm-java ({@code
 * com.marcnuri.helm-java}), which this module does not depend on. The chart's renderings by this
 * class and by helm-java 0.0.15 were compared once, document by document, for eleven value sets
 * (docs/deploy.md, "How the chart is tested"). Anything outside the subset is an error, never a
 * guess:
 *
 * <ul>
 *   <li>actions {@code {{ }}} with the trim markers {@code {{- } and {@code -}}}, comments {@code
 *       {{/* ... *&#47;}}};
 *   <li>{@code if} / {@code else if} / {@code else}, {@code with} (rebinds the dot), {@code range}
 *       over a list (the dot is each element), all with {@code end};
 *   <li>pipelines ({@code a | f | g}: the value is the last argument), parentheses, fields {@code
 *       .Values.a.b}, {@code .}, {@code $} and {@code $.Values...}, string, number and {@code
 *       true/false/nil} literals;
 *   <li>functions {@code quote}, {@code toYaml}, {@code indent}, {@code nindent}, {@code default},
 *       {@code required}, {@code not}, {@code and}, {@code or}, {@code eq}, {@code ne}.
 * </ul>
 *
 * Values: {@code values.yaml} with overrides merged in (maps deeply, a null override removes the
 * key), as {@code helm template --set/-f} does. Stricter than helm in one way: printing a value
 * that is not there fails instead of printing nothing, so a misspelt value cannot slip through.
 */
final class HelmTemplates {
  static final YAMLMapper YAML = new YAMLMapper();
  static final ObjectMapper TO_YAML =
      new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          // sprig's toYaml (sigs.k8s.io/yaml) writes map keys sorted
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** A template that helm would refuse (or that uses something outside the subset). */
  static final class TemplateException extends RuntimeException {
    TemplateException(String message) {
      super(message);
    }
  }

  /** One rendered template file. */
  record Rendered(String template, String text) {}

  private HelmTemplates() {}

  /**
   * Renders every {@code templates/*.yaml} of the chart (not {@code _*} partials) in name order.
   */
  static List<Rendered> renderChart(
      Path chart, Map<String, Object> overrides, String releaseName, String namespace)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("Values", merge(readMap(chart.resolve("values.yaml")), overrides));
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("Name", releaseName);
    release.put("Namespace", namespace);
    release.put("Service", "Helm");
    release.put("IsInstall", true);
    release.put("IsUpgrade", false);
    release.put("Revision", 1);
    root.put("Release", release);
    Map<String, Object> chartMeta = new LinkedHashMap<>();
    readMap(chart.resolve("Chart.yaml"))
        .forEach((k, v) -> chartMeta.put(Character.toUpperCase(k.charAt(0)) + k.substring(1), v));
    root.put("Chart", chartMeta);
    List<Rendered> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith("_") || !(name.endsWith(".yaml") || name.endsWith(".txt"))) {
          continue;
        }
        out.add(new Rendered(name, render(name, Files.readString(f), root)));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> readMap(Path yaml) throws IOException {
    Object v = YAML.readValue(yaml.toFile(), Object.class);
    return v == null ? new LinkedHashMap<>() : (Map<String, Object>) v;
  }

  /** {@code base} with {@code override} merged in: maps deeply, a null override removes a key. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    override.forEach(
        (k, v) -> {
          if (v == null) {
            out.remove(k);
          } else if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> b) {
            out.put(k, merge((Map<String, Object>) b, (Map<String, Object>) m));
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Renders one template's text against {@code root} ({@code .Values}, {@code .Release}, ...). */
  static String render(String name, String source, Map<String, Object> root) {
    List<Node> nodes = new Parser(name, lex(name, source)).parseUntilEnd();
    StringBuilder out = new StringBuilder();
    new Evaluator(name, root).exec(nodes, root, out);
    return out.toString();
  }

  // ---- lexing: text and actions, with trim markers applied ------------------------------------

  /** A piece of template source: text, or an action's body (without delimiters and markers). */
  record Piece(boolean action, String text, int line) {}

  static List<Piece> lex(String name, String src) {
    List<Piece> pieces = new ArrayList<>();
    int i = 0;
    boolean trimNext = false;
    while (i < src.length()) {
      int open = src.indexOf("{{", i);
      String text = open < 0 ? src.substring(i) : src.substring(i, open);
      if (trimNext) {
        text = text.stripLeading();
      }
      if (open < 0) {
        pieces.add(new Piece(false, text, 0));
        break;
      }
      int line = 1 + (int) src.substring(0, open).chars().filter(c -> c == '\n').count();
      boolean trimBefore = src.startsWith("{{- ", open) || src.startsWith("{{-\n", open);
      if (trimBefore) {
        text = text.stripTrailing();
      }
      pieces.add(new Piece(false, text, line));
      int bodyStart = open + (trimBefore ? 3 : 2);
      int close = findClose(src, bodyStart);
      if (close < 0) {
        throw new TemplateException(name + ":" + line + ": unclosed action");
      }
      boolean trimAfter =
          close - 2 >= bodyStart && src.charAt(close - 1) == '-' && isSpace(src.charAt(close - 2));
      String body = src.substring(bodyStart, trimAfter ? close - 1 : close).strip();
      pieces.add(new Piece(true, body, line));
      trimNext = trimAfter;
      i = close + 2;
    }
    return pieces;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** The index of the {@code }}} closing an action, skipping string literals and comments. */
  private static int findClose(String src, int from) {
    int i = from;
    while (i < src.length() - 1) {
      char c = src.charAt(i);
      if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        if (end < 0) {
          return -1;
        }
        i = end + 2;
      } else if (c == '"') {
        i++;
        while (i < src.length() && src.charAt(i) != '"') {
          i += src.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else if (src.startsWith("}}", i)) {
        return i;
      } else {
        i++;
      }
    }
    return -1;
  }

  // ---- parsing ---------------------------------------------------------------------------------

  sealed interface Node permits Text, Print, Block {}

  record Text(String text) implements Node {}

  record Print(Expr pipeline, String source, int line) implements Node {}

  /**
   * if / with / range: {@code branches} hold (condition, body); {@code otherwise} the else part.
   */
  record Block(String kind, List<Expr> conditions, List<List<Node>> bodies, List<Node> otherwise)
      implements Node {}

  sealed interface Expr permits Literal, Field, Call, Pipe {}

  record Literal(Object value) implements Expr {}

  /** {@code fromRoot}: {@code $...}; {@code path} empty: the dot (or {@code $}) itself. */
  record Field(boolean fromRoot, List<String> path, String source) implements Expr {}

  record Call(String function, List<Expr> args) implements Expr {}

  record Pipe(List<Expr> commands) implements Expr {}

  static final class Parser {
    final String name;
    final List<Piece> pieces;
    int pos;

    Parser(String name, List<Piece> pieces) {
      this.name = name;
      this.pieces = pieces;
    }

    List<Node> parseUntilEnd() {
      List<Node> nodes = new ArrayList<>();
      String stop = parseInto(nodes);
      if (stop != null) {
        throw new TemplateException(name + ": unexpected {{ " + stop + " }}");
      }
      return nodes;
    }

    /** Parses nodes until else/end (returned, the piece consumed) or the end of input (null). */
    String parseInto(List<Node> nodes) {
      while (pos < pieces.size()) {
        Piece p = pieces.get(pos++);
        if (!p.action()) {
          if (!p.text().isEmpty()) {
            nodes.add(new Text(p.text()));
          }
          continue;
        }
        String body = p.text();
        if (body.startsWith("/*")) {
          if (!body.endsWith("*/")) {
            throw new TemplateException(name + ":" + p.line() + ": bad comment");
          }
          continue;
        }
        String keyword = body.split("\\s+", 2)[0];
        switch (keyword) {
          case "end", "else" -> {
            return body;
          }
          case "if", "with", "range" -> nodes.add(block(keyword, rest(body, keyword), p.line()));
          case "define", "template", "block", "include", "break", "continue" ->
              throw new TemplateException(
                  name + ":" + p.line() + ": '" + keyword + "' is outside the supported subset");
          default -> {
            if (body.matches("^\\$\\w*\\s*:?=.*")) {
              throw new TemplateException(name + ":" + p.line() + ": variables are not supported");
            }
            nodes.add(new Print(new ExprParser(name, p.line(), body).parseAll(), body, p.line()));
          }
        }
      }
      return null;
    }

    Block block(String kind, String condition, int line) {
      List<Expr> conditions = new ArrayList<>();
      List<List<Node>> bodies = new ArrayList<>();
      conditions.add(new ExprParser(name, line, condition).parseAll());
      while (true) {
        List<Node> body = new ArrayList<>();
        String stop = parseInto(body);
        bodies.add(body);
        if (stop == null) {
          throw new TemplateException(name + ":" + line + ": {{ " + kind + " }} without {{ end }}");
        }
        if (stop.equals("end")) {
          return new Block(kind, conditions, bodies, List.of());
        }
        if (stop.equals("else")) {
          List<Node> otherwise = new ArrayList<>();
          String end = parseInto(otherwise);
          if (!"end".equals(end)) {
            throw new TemplateException(
                name + ":" + line + ": {{ else }} not followed by {{ end }}");
          }
          return new Block(kind, conditions, bodies, otherwise);
        }
        if (stop.startsWith("else if ") && kind.equals("if")) {
          conditions.add(new ExprParser(name, line, rest(stop, "else if")).parseAll());
          continue;
        }
        throw new TemplateException(name + ":" + line + ": unsupported {{ " + stop + " }}");
      }
    }

    static String rest(String body, String keyword) {
      return body.substring(keyword.length()).strip();
    }
  }

  static final class ExprParser {
    final String name;
    final int line;
    final String src;
    int i;

    ExprParser(String name, int line, String src) {
      this.name = name;
      this.line = line;
      this.src = src;
    }

    TemplateException error(String what) {
      return new TemplateException(name + ":" + line + ": " + what + " in '" + src + "'");
    }

    Expr parseAll() {
      Expr e = pipeline();
      skipSpace();
      if (i < src.length()) {
        throw error("unexpected '" + src.substring(i) + "'");
      }
      return e;
    }

    Expr pipeline() {
      List<Expr> commands = new ArrayList<>();
      commands.add(command());
      skipSpace();
      while (i < src.length() && src.charAt(i) == '|') {
        i++;
        commands.add(command());
        skipSpace();
      }
      return commands.size() == 1 ? commands.get(0) : new Pipe(commands);
    }

    Expr command() {
      List<Expr> operands = new ArrayList<>();
      String function = null;
      while (true) {
        skipSpace();
        if (i >= src.length() || src.charAt(i) == '|' || src.charAt(i) == ')') {
          break;
        }
        char c = src.charAt(i);
        if (operands.isEmpty() && function == null && Character.isLetter(c)) {
          String word = word();
          switch (word) {
            case "true" -> operands.add(new Literal(true));
            case "false" -> operands.add(new Literal(false));
            case "nil" -> operands.add(new Literal(null));
            default -> function = word;
          }
          continue;
        }
        operands.add(operand());
      }
      if (function != null) {
        return new Call(function, operands);
      }
      if (operands.size() != 1) {
        throw error(
            operands.isEmpty() ? "empty command" : "can't give arguments to a non-function");
      }
      return operands.get(0);
    }

    Expr operand() {
      char c = src.charAt(i);
      if (c == '(') {
        i++;
        Expr inner = pipeline();
        skipSpace();
        if (i >= src.length() || src.charAt(i) != ')') {
          throw error("unclosed '('");
        }
        i++;
        return inner;
      }
      if (c == '"') {
        StringBuilder s = new StringBuilder();
        i++;
        while (i < src.length() && src.charAt(i) != '"') {
          char ch = src.charAt(i++);
          if (ch == '\\') {
            char esc = src.charAt(i++);
            s.append(
                switch (esc) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  case '"', '\\' -> esc;
                  default -> throw error("unsupported escape \\" + esc);
                });
          } else {
            s.append(ch);
          }
        }
        if (i >= src.length()) {
          throw error("unterminated string");
        }
        i++;
        return new Literal(s.toString());
      }
      if (Character.isDigit(c) || c == '-') {
        int start = i++;
        while (i < src.length() && Character.isDigit(src.charAt(i))) {
          i++;
        }
        return new Literal(Long.parseLong(src.substring(start, i)));
      }
      if (Character.isLetter(c)) {
        String w = word();
        return switch (w) {
          case "true" -> new Literal(true);
          case "false" -> new Literal(false);
          case "nil" -> new Literal(null);
          default -> throw error("function '" + w + "' as an argument needs parentheses");
        };
      }
      if (c == '.' || c == '$') {
        int start = i;
        boolean fromRoot = c == '$';
        if (fromRoot) {
          i++;
        }
        List<String> path = new ArrayList<>();
        while (i < src.length() && src.charAt(i) == '.') {
          i++;
          if (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)))) {
            path.add(word());
          } else if (!path.isEmpty() || fromRoot) {
            throw error("bad field");
          }
        }
        return new Field(fromRoot, path, src.substring(start, i));
      }
      throw error("unexpected '" + c + "'");
    }

    String word() {
      int start = i;
      while (i < src.length()
          && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
        i++;
      }
      return src.substring(start, i);
    }

    void skipSpace() {
      while (i < src.length() && isSpace(src.charAt(i))) {
        i++;
      }
    }
  }

  // ---- evaluation ------------------------------------------------------------------------------

  static final class Evaluator {
    final String name;
    final Map<String, Object> root;

    Evaluator(String name, Map<String, Object> root) {
      this.name = name;
      this.root = root;
    }

    void exec(List<Node> nodes, Object dot, StringBuilder out) {
      for (Node n : nodes) {
        if (n instanceof Text t) {
          out.append(t.text());
        } else if (n instanceof Print p) {
          Object v = eval(p.pipeline(), dot, null, false);
          if (v == null) {
            throw new TemplateException(
                name + ":" + p.line() + ": {{ " + p.source() + " }} has no value");
          }
          out.append(print(v, p));
        } else {
          block((Block) n, dot, out);
        }
      }
    }

    void block(Block b, Object dot, StringBuilder out) {
      for (int k = 0; k < b.conditions().size(); k++) {
        Object v = eval(b.conditions().get(k), dot, null, false);
        if (!truthy(v)) {
          continue;
        }
        switch (b.kind()) {
          case "if" -> exec(b.bodies().get(k), dot, out);
          case "with" -> exec(b.bodies().get(k), v, out);
          case "range" -> {
            if (!(v instanceof List<?> list)) {
              throw new TemplateException(name + ": range over a non-list: " + v);
            }
            for (Object element : list) {
              exec(b.bodies().get(k), element, out);
            }
          }
          default -> throw new IllegalStateException(b.kind());
        }
        return;
      }
      exec(b.otherwise(), dot, out);
    }

    String print(Object v, Print p) {
      if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
        throw new TemplateException(
            name + ":" + p.line() + ": {{ " + p.source() + " }} prints a map or list (use toYaml)");
      }
      return str(v);
    }

    /** {@code piped}: the previous command's value, passed as the last argument. */
    Object eval(Expr e, Object dot, Object piped, boolean hasPiped) {
      if (e instanceof Literal l) {
        return noArgs(l.value(), hasPiped, e);
      }
      if (e instanceof Field f) {
        return noArgs(field(f, dot), hasPiped, e);
      }
      if (e instanceof Pipe p) {
        Object v = null;
        boolean has = false;
        for (Expr c : p.commands()) {
          v = eval(c, dot, v, has);
          has = true;
        }
        return noArgs(v, hasPiped, e);
      }
      return call((Call) e, dot, piped, hasPiped);
    }

    Object noArgs(Object v, boolean hasPiped, Expr e) {
      if (hasPiped) {
        throw new TemplateException(name + ": can't pipe a value into " + e);
      }
      return v;
    }

    Object field(Field f, Object dot) {
      Object v = f.fromRoot() ? root : dot;
      String walked = f.fromRoot() ? "$" : "";
      for (String key : f.path()) {
        if (v == null) {
          throw new TemplateException(
              name + ": nil pointer evaluating " + walked + "." + key + " (in " + f.source() + ")");
        }
        if (!(v instanceof Map<?, ?> m)) {
          throw new TemplateException(name + ": can't evaluate field " + key + " of " + walked);
        }
        v = m.get(key);
        walked += "." + key;
      }
      return v;
    }

    Object call(Call c, Object dot, Object piped, boolean hasPiped) {
      String fn = c.function();
      // and/or evaluate lazily, as Go's templates do since 1.18
      if (fn.equals("and") || fn.equals("or")) {
        List<Expr> args = c.args();
        Object v = null;
        int n = args.size() + (hasPiped ? 1 : 0);
        if (n < 2) {
          throw new TemplateException(name + ": " + fn + " needs at least two arguments");
        }
        for (int k = 0; k < n; k++) {
          v = k < args.size() ? eval(args.get(k), dot, null, false) : piped;
          if (truthy(v) == fn.equals("or")) {
            return v;
          }
        }
        return v;
      }
      List<Object> a = new ArrayList<>();
      for (Expr arg : c.args()) {
        a.add(eval(arg, dot, null, false));
      }
      if (hasPiped) {
        a.add(piped);
      }
      return switch (fn) {
        case "quote" -> {
          List<String> quoted = new ArrayList<>();
          for (Object o : a) {
            if (o != null) {
              quoted.add(goQuote(str(o)));
            }
          }
          yield String.join(" ", quoted);
        }
        case "toYaml" -> toYaml(arity(fn, a, 1).get(0));
        case "indent" -> indent(toInt(arity(fn, a, 2).get(0)), str(a.get(1)));
        case "nindent" -> "\n" + indent(toInt(arity(fn, a, 2).get(0)), str(a.get(1)));
        case "default" -> truthy(arity(fn, a, 2).get(1)) ? a.get(1) : a.get(0);
        case "required" -> {
          arity(fn, a, 2);
          Object v = a.get(1);
          if (v == null || (v instanceof String s && s.isEmpty())) {
            throw new TemplateException(str(a.get(0)));
          }
          yield v;
        }
        case "not" -> !truthy(arity(fn, a, 1).get(0));
        case "eq", "ne" -> {
          if (a.size() < 2) {
            throw new TemplateException(name + ": " + fn + " needs two arguments");
          }
          boolean any = false;
          for (Object o : a.subList(1, a.size())) {
            any |= equal(a.get(0), o);
          }
          yield fn.equals("eq") == any;
        }
        default ->
            throw new TemplateException(
                name + ": function \"" + fn + "\" is outside the supported subset");
      };
    }

    List<Object> arity(String fn, List<Object> a, int n) {
      if (a.size() != n) {
        throw new TemplateException(
            name + ": wrong number of args for " + fn + ": want " + n + " got " + a.size());
      }
      return a;
    }

    int toInt(Object o) {
      if (o instanceof Number n) {
        return n.intValue();
      }
      throw new TemplateException(name + ": not a number: " + o);
    }

    boolean equal(Object x, Object y) {
      if (x instanceof Number a && y instanceof Number b) {
        return a.doubleValue() == b.doubleValue();
      }
      if (x != null && y != null && x.getClass() != y.getClass()) {
        throw new TemplateException(name + ": incompatible types for comparison: " + x + ", " + y);
      }
      return Objects.equals(x, y);
    }
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /**
   * A value as Go's {@code fmt} prints it (numbers as helm holds them: integral ones in digits).
   */
  static String str(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  /** Go's {@code %q} for the characters a chart value may hold. */
  static String goQuote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String indent(int n, String s) {
    String pad = " ".repeat(n);
    return pad + s.replace("\n", "\n" + pad);
  }

  /** Sprig's toYaml: YAML of the value (map keys sorted) without the trailing newline. */
  static String toYaml(Object v) {
    try {
      return TO_YAML.writeValueAsString(v).stripTrailing();
    } catch (JsonProcessingException e) {
      throw new TemplateException("toYaml: " + e.getMessage());
    }
  }
}
