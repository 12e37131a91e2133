package app.photobomb.ops.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metric names a Grafana dashboard's and a Prometheus rule file's PromQL expressions read. A small scanner,
 * not a parser: it drops strings, label matchers, ranges, Grafana variables and the by / without / on / ignoring /
 * group_left / group_right clauses, then takes every identifier that is not a function call (followed by "("), a
 * keyword or a label_values() label. It does not know recording rules' outputs or {__name__=...} selectors.
 */
final class PromQlMetricNames {

  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan", "atan2");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQlMetricNames() {
  }

  /** Every expr of the dashboard's panels (rows included) and every query of its variables. */
  static List<String> dashboardExpressions(Path dashboard) throws IOException {
    JsonNode root = new JsonMapper().readTree(Files.readString(dashboard));
    List<String> expressions = new ArrayList<>();
    root.findValues("expr").forEach(expr -> expressions.add(expr.asString()));
    for (JsonNode variable : root.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      if (variable.path("type").asString().equals("query")) {
        expressions.add(query.isObject() ? query.path("query").asString() : query.asString());
      }
    }
    return expressions;
  }

  /** Every expr of the rule file's alerting and recording rules. */
  @SuppressWarnings("unchecked")
  static List<String> ruleExpressions(Path rules) throws IOException {
    Map<String, Object> file = new Yaml().load(Files.readString(rules));
    List<String> expressions = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        expressions.add((String) rule.get("expr"));
      }
    }
    return expressions;
  }

  static Set<String> in(String expression) {
    String e = expression
        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\$\\{?\\w+}?", "")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
        .replaceAll("label_values\\(\\s*([^,)]+)\\s*,[^)]*\\)", "$1");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(e);
    while (identifier.find()) {
      String name = identifier.group();
      boolean call = e.substring(identifier.end()).matches("(?s)\\s*\\(.*");
      boolean number = identifier.start() > 0 && Character.isDigit(e.charAt(identifier.start() - 1));
      if (!call && !number && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }
}
