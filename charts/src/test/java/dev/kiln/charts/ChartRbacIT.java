package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator chart's RBAC allows exactly what the operator does: every (verb, resource) the
 * operator used in the integration suite (recorded by the test kit's ApiCalls) is granted, and
 * nothing is granted that the suite never used, except the listed, explained exceptions. An
 * integration test (failsafe, at verify): it reads what the operator's integration tests wrote, so
 * the unit tier ({@code ./mvnw test}) does not depend on them.
 */
class ChartRbacIT {
  static final Path CALLS = Path.of("../operator/target/kiln-api-calls.txt");

  /** Granted but not seen in the suite, and why they are needed anyway. */
  static final Map<String, String> GRANTED_UNSEEN =
      Map.of(
          "update coordination.k8s.io/leases",
          "JOSDK checks for create, update and get on Leases before it starts leader election",
          "get kiln.dev/trainingjobs",
          "a status write that hits a conflict re-reads the TrainingJob before retrying",
          "get kiln.dev/modelservers",
          "a status write that hits a conflict re-reads the ModelServer before retrying",
          "get /secrets",
          "the report-key Secret, by name in the release namespace only: the operator reads it at"
              + " start-up (ReportKeySecretTest); the integration suite signs with a key file",
          "update policy/poddisruptionbudgets",
          "a PDB is replaced when its desired state changes (e.g. after an operator upgrade); no"
              + " spec field of a ModelServer changes an existing PDB");

  /** Used but needs no rule: every authenticated user may review its own access. */
  static final Set<String> USED_UNGRANTED =
      Set.of("create authorization.k8s.io/selfsubjectrulesreviews");

  @Test
  void rulesCoverEveryApiCallOfTheIntegrationSuiteAndNoMore() throws Exception {
    assertThat(CALLS)
        .as("run the operator integration tests first: ./mvnw verify -pl operator,charts")
        .exists();
    Set<String> used = new TreeSet<>(Files.readAllLines(CALLS));
    used.removeIf(String::isBlank);
    used.removeAll(USED_UNGRANTED);

    Set<String> granted = new TreeSet<>();
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, null, Map.of("replicas", 2));
    for (Map<String, Object> rule : OperatorChartTest.rules(docs)) {
      for (String group : OperatorChartTest.list(rule.get("apiGroups"))) {
        for (String resource : OperatorChartTest.list(rule.get("resources"))) {
          for (String verb : OperatorChartTest.list(rule.get("verbs"))) {
            granted.add(verb + " " + group + "/" + resource);
          }
        }
      }
    }

    assertThat(granted).as("calls the chart does not allow").containsAll(used);
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(used);
    assertThat(unused).as("rules the operator never used").isSubsetOf(GRANTED_UNSEEN.keySet());
  }
}
