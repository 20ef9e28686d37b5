package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HelmTemplates} renders the Go template subset as {@code helm template} does (the expected
 * outputs are Go's and Sprig's behaviour), and refuses what it does not support.
 */
class HelmTemplatesTest {
  static Map<String, Object> root() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("name", "fenceline");
    values.put("port", 9400);
    values.put("on", true);
    values.put("off", false);
    values.put("empty", "");
    values.put("none", new LinkedHashMap<>());
    values.put("list", List.of("a", "b"));
    values.put("nested", Map.of("key", "v \"q\""));
    values.put("sel", Map.of("kubernetes.io/os", "linux"));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("Values", values);
    root.put("Release", Map.of("Namespace", "ns"));
    return root;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("text only", "a: b\n", "a: b\n"),
        Arguments.of("field", "name: {{ .Values.name }}", "name: fenceline"),
        Arguments.of("number", "port: {{ .Values.port }}", "port: 9400"),
        Arguments.of("quote escapes", "v: {{ .Values.nested.key | quote }}", "v: \"v \\\"q\\\"\""),
        Arguments.of("left trim eats newlines", "a\n  \n{{- \"x\" }}", "ax"),
        Arguments.of("right trim eats newlines", "{{ \"x\" -}}\n\n  b", "xb"),
        Arguments.of("a dash without space is not a trim marker", "a {{-3}}", "a -3"),
        Arguments.of("comment", "a{{/* note */}}b", "ab"),
        Arguments.of("trimmed comment", "a\n{{- /* note */ -}}\nb", "ab"),
        Arguments.of("if true", "{{ if .Values.on }}yes{{ end }}", "yes"),
        Arguments.of(
            "if empty string is false", "{{ if .Values.empty }}yes{{ else }}no{{ end }}", "no"),
        Arguments.of(
            "if empty map is false", "{{ if .Values.none }}yes{{ else }}no{{ end }}", "no"),
        Arguments.of(
            "if missing key is false", "{{ if .Values.nothing }}yes{{ else }}no{{ end }}", "no"),
        Arguments.of(
            "else if", "{{ if .Values.off }}1{{ else if .Values.on }}2{{ else }}3{{ end }}", "2"),
        Arguments.of("not", "{{ if not .Values.off }}yes{{ end }}", "yes"),
        Arguments.of(
            "or picks the first truthy", "{{ or .Values.empty .Values.name }}", "fenceline"),
        Arguments.of("and returns the first falsy", "[{{ and .Values.on .Values.empty }}]", "[]"),
        Arguments.of("eq", "{{ if eq .Values.name \"fenceline\" }}y{{ end }}", "y"),
        Arguments.of("ne", "{{ if ne .Values.name \"x\" }}y{{ end }}", "y"),
        Arguments.of("default used", "{{ .Values.empty | default \"d\" }}", "d"),
        Arguments.of("default not used", "{{ .Values.name | default \"d\" }}", "fenceline"),
        Arguments.of(
            "with rebinds the dot", "{{ with .Values.nested }}{{ .key }}{{ end }}", "v \"q\""),
        Arguments.of("with skips empty", "{{ with .Values.none }}x{{ else }}e{{ end }}", "e"),
        Arguments.of(
            "$ is the root inside with",
            "{{ with .Values.nested }}{{ $.Values.name }}{{ end }}",
            "fenceline"),
        Arguments.of("range", "{{ range .Values.list }}- {{ . }}\n{{ end }}", "- a\n- b\n"),
        Arguments.of("range else", "{{ range .Values.none }}x{{ else }}none{{ end }}", "none"),
        Arguments.of(
            "toYaml | nindent",
            "spec:\n  sel:\n    {{- toYaml .Values.sel | nindent 4 }}\n",
            "spec:\n  sel:\n    kubernetes.io/os: linux\n"),
        Arguments.of("toYaml of a list", "{{ toYaml .Values.list }}", "- a\n- b"),
        Arguments.of("toYaml sorts keys", "{{ toYaml .Values.root }}", "a: 1\nb: 2"),
        Arguments.of("indent", "{{ \"a\\nb\" | indent 2 }}", "  a\n  b"),
        Arguments.of("parentheses", "{{ (.Values.name) | quote }}", "\"fenceline\""),
        Arguments.of("required passes a value", "{{ required \"m\" .Values.name }}", "fenceline"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersAsHelmDoes(String name, String template, String expected) {
    Map<String, Object> root = root();
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) root.get("Values");
    Map<String, Object> unsorted = new LinkedHashMap<>();
    unsorted.put("b", 2);
    unsorted.put("a", 1);
    values.put("root", unsorted);
    assertThat(HelmTemplates.render(name, template, root)).isEqualTo(expected);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "{{ required \"cluster.id is required\" .Values.empty }}", "cluster.id is required"),
        Arguments.of("{{ required \"set it\" .Values.nothing }}", "set it"),
        Arguments.of("{{ .Values.nothing }}", "has no value"),
        Arguments.of(
            "{{ .Values.nothing.deeper }}", "nil pointer evaluating .Values.nothing.deeper"),
        Arguments.of("{{ .Values.sel }}", "prints a map or list"),
        Arguments.of("{{ if .Values.on }}x", "without {{ end }}"),
        Arguments.of("x{{ end }}", "unexpected {{ end }}"),
        Arguments.of("{{ .Values.name", "unclosed action"),
        Arguments.of("{{ include \"x\" . }}", "outside the supported subset"),
        Arguments.of("{{ $x := 1 }}", "variables are not supported"),
        Arguments.of(
            "{{ .Values.name | upper }}", "function \"upper\" is outside the supported subset"),
        Arguments.of("{{ .Values.name | .Values.port }}", "can't pipe"),
        Arguments.of("{{ nindent 2 }}", "wrong number of args for nindent"),
        Arguments.of("{{ if eq .Values.name true }}{{ end }}", "incompatible types"),
        Arguments.of("{{ range .Values.name }}{{ end }}", "range over a non-list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWhatHelmRefusesOrTheSubsetLacks(String template, String message) {
    assertThatThrownBy(() -> HelmTemplates.render("t.yaml", template, root()))
        .isInstanceOf(HelmTemplates.TemplateException.class)
        .hasMessageContaining(message);
  }

  @Test
  void mergeIsDeepAndNullRemovesAKey() {
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("a", new LinkedHashMap<>(Map.of("x", 1, "y", 2)));
    base.put("b", "keep");
    Map<String, Object> override = new LinkedHashMap<>();
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("x", null);
    a.put("z", 3);
    override.put("a", a);
    assertThat(HelmTemplates.merge(base, override))
        .isEqualTo(Map.of("a", Map.of("y", 2, "z", 3), "b", "keep"));
    assertThat(base.get("a")).as("base untouched").isEqualTo(Map.of("x", 1, "y", 2));
  }
}
