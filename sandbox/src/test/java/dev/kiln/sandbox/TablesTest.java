package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  /** The columns' names and the first row's cells, as text. */
  private static List<String> row(String resource, String object) throws Exception {
    ObjectNode table =
        Tables.table(Tables.builtIn(resource).orElseThrow(), List.of(json(object)), "7", NOW);
    List<String> cells = new ArrayList<>();
    table.path("rows").path(0).path("cells").forEach(c -> cells.add(c.asText()));
    return cells;
  }

  private static List<String> columns(String resource) {
    return Tables.builtIn(resource).orElseThrow().columns().stream()
        .filter(c -> c.priority() == 0)
        .map(Tables.Column::name)
        .toList();
  }

  @Test
  void agesAreKubectlsHumanDurations() {
    assertThat(Tables.human(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(Tables.human(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Tables.human(Duration.ofSeconds(190))).isEqualTo("3m10s");
    assertThat(Tables.human(Duration.ofMinutes(25))).isEqualTo("25m");
    assertThat(Tables.human(Duration.ofMinutes(125))).isEqualTo("125m");
    assertThat(Tables.human(Duration.ofMinutes(185))).isEqualTo("3h5m");
    assertThat(Tables.human(Duration.ofHours(10))).isEqualTo("10h");
    assertThat(Tables.human(Duration.ofHours(76))).isEqualTo("3d4h");
    assertThat(Tables.human(Duration.ofDays(20))).isEqualTo("20d");
    assertThat(Tables.human(Duration.ofDays(800))).isEqualTo("2y70d");
    assertThat(Tables.since("not a time", NOW)).isEqualTo("<unknown>");
  }

  @Test
  void podsShowReadinessStatusRestartsAndWhereTheyRun() throws Exception {
    assertThat(columns("/v1/pods")).containsExactly("Name", "Ready", "Status", "Restarts", "Age");
    assertThat(
            row(
                "/v1/pods",
                "{'metadata': {'name': 'p', 'creationTimestamp': '2026-01-01T11:59:00Z'},"
                    + " 'spec': {'containers': [{'name': 'trainer'}]},"
                    + " 'status': {'phase': 'Succeeded', 'podIPs': [{'ip': '127.0.0.2'}],"
                    + " 'containerStatuses': [{'ready': false, 'restartCount': 0,"
                    + " 'state': {'terminated': {'reason': 'Completed', 'exitCode': 0}}}]}}"))
        .containsExactly(
            "p", "0/1", "Completed", "0", "60s", "127.0.0.2", "<none>", "<none>", "<none>");
    assertThat(
            row(
                "/v1/pods",
                "{'metadata': {'name': 'p'}, 'spec': {'containers': [{'name': 'c'}]},"
                    + " 'status': {'phase': 'Running', 'containerStatuses': [{'restartCount': 2,"
                    + " 'lastState': {'terminated': {'finishedAt': '2026-01-01T11:55:00Z'}},"
                    + " 'state': {'waiting': {'reason': 'CrashLoopBackOff'}}}]}}"))
        .startsWith("p", "0/1", "CrashLoopBackOff", "2 (5m ago)");
    assertThat(
            row(
                "/v1/pods",
                "{'metadata': {'name': 'p'}, 'spec': {'initContainers': [{'name': 'fetch'}],"
                    + " 'containers': [{'name': 'c'}]}, 'status': {'phase': 'Pending',"
                    + " 'initContainerStatuses': [{'state': {'waiting': {'reason':"
                    + " 'ImagePullBackOff'}}}]}}"))
        .startsWith("p", "0/1", "Init:ImagePullBackOff");
  }

  @Test
  void eventsShowWhenWhatAndOnWhichObject() throws Exception {
    assertThat(columns("/v1/events"))
        .containsExactly("Last Seen", "Type", "Reason", "Object", "Message");
    assertThat(
            row(
                "/v1/events",
                "{'metadata': {'name': 'iris.1'}, 'type': 'Normal', 'reason': 'Succeeded',"
                    + " 'message': 'Training succeeded ', 'count': 1,"
                    + " 'firstTimestamp': '2026-01-01T11:58:00Z', 'lastTimestamp':"
                    + " '2026-01-01T11:59:30Z', 'involvedObject': {'kind': 'TrainingJob', 'name':"
                    + " 'iris'}, 'source': {'component': 'kiln-operator'}}"))
        .containsExactly(
            "30s",
            "Normal",
            "Succeeded",
            "trainingjob/iris",
            "",
            "kiln-operator",
            "Training succeeded",
            "2m",
            "1",
            "iris.1");
  }

  @Test
  void jobsShowStatusCompletionsAndDuration() throws Exception {
    assertThat(columns("batch/v1/jobs"))
        .containsExactly("Name", "Status", "Completions", "Duration", "Age");
    assertThat(
            row(
                "batch/v1/jobs",
                "{'metadata': {'name': 'iris-1', 'creationTimestamp': '2026-01-01T11:50:00Z'},"
                    + " 'spec': {'completions': 2, 'template': {'spec': {'containers': [{'name':"
                    + " 'trainer', 'image': 'kiln-trainer:0.1.0'}]}},"
                    + " 'selector': {'matchLabels': {'b': '2', 'a': '1'}}},"
                    + " 'status': {'succeeded': 2, 'startTime': '2026-01-01T11:50:00Z',"
                    + " 'completionTime': '2026-01-01T11:52:05Z', 'conditions': [{'type':"
                    + " 'Complete', 'status': 'True'}]}}"))
        .containsExactly(
            "iris-1", "Complete", "2/2", "2m5s", "10m", "trainer", "kiln-trainer:0.1.0", "a=1,b=2");
    assertThat(
            row(
                "batch/v1/jobs",
                "{'metadata': {'name': 'j'}, 'spec': {}, 'status': {'startTime':"
                    + " '2026-01-01T11:59:00Z', 'conditions': [{'type': 'Suspended', 'status':"
                    + " 'True'}]}}"))
        .startsWith("j", "Suspended", "0/1", "60s");
  }

  @Test
  void claimsDeploymentsServicesAndAutoscalersHaveKubectlsColumns() throws Exception {
    assertThat(
            row(
                "/v1/persistentvolumeclaims",
                "{'metadata': {'name': 'w'}, 'spec': {'volumeName': 'pv-1', 'storageClassName':"
                    + " 'local'}, 'status': {'phase': 'Bound', 'accessModes': ['ReadWriteOnce'],"
                    + " 'capacity': {'storage': '1Gi'}}}"))
        .startsWith("w", "Bound", "pv-1", "1Gi", "RWO", "local", "<unset>");
    assertThat(
            row(
                "apps/v1/deployments",
                "{'metadata': {'name': 'd'}, 'spec': {'replicas': 2}, 'status': {'readyReplicas':"
                    + " 1, 'updatedReplicas': 2, 'availableReplicas': 1}}"))
        .startsWith("d", "1/2", "2", "1");
    assertThat(
            row(
                "/v1/services",
                "{'metadata': {'name': 's'}, 'spec': {'clusterIP': 'None', 'ports': [{'port': 8080,"
                    + " 'protocol': 'TCP'}, {'port': 8081}], 'selector': {'app': 'x'}}}"))
        .containsExactly(
            "s", "ClusterIP", "None", "<none>", "8080/TCP,8081/TCP", "<unknown>", "app=x");
    assertThat(
            row(
                "autoscaling/v2/horizontalpodautoscalers",
                "{'metadata': {'name': 'h'}, 'spec': {'scaleTargetRef': {'kind': 'Deployment',"
                    + " 'name': 'd'}, 'maxReplicas': 5, 'metrics': [{'type': 'Resource', 'resource':"
                    + " {'name': 'cpu', 'target': {'type': 'Utilization', 'averageUtilization':"
                    + " 80}}}]}, 'status': {'currentReplicas': 1}}"))
        .startsWith("h", "Deployment/d", "cpu: <unknown>/80%", "<unset>", "5", "1");
  }

  @Test
  void customResourcesGetTheirCrdsColumnsAfterTheName() throws Exception {
    Tables.Printer printer =
        Tables.custom(
            List.of(
                new CustomResourceColumnDefinitionBuilder()
                    .withName("Phase")
                    .withType("string")
                    .withJsonPath(".status.phase")
                    .build(),
                new CustomResourceColumnDefinitionBuilder()
                    .withName("Age")
                    .withType("date")
                    .withJsonPath(".metadata.creationTimestamp")
                    .build()));
    ObjectNode table =
        Tables.table(
            printer,
            List.of(
                json("{'metadata': {'name': 'b', 'creationTimestamp': '2026-01-01T11:59:58Z'}}"),
                json(
                    "{'metadata': {'name': 'a', 'creationTimestamp': '2026-01-01T11:00:00Z'},"
                        + " 'status': {'phase': 'Running'}}")),
            "12",
            NOW);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("12");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Phase", "Age");
    assertThat(table.path("rows").get(0).path("cells").toString())
        .as("rows sorted by name, as the API server lists them")
        .isEqualTo("[\"a\",\"Running\",\"60m\"]");
    assertThat(table.path("rows").get(1).path("cells").toString())
        .as("a missing value is an empty cell")
        .isEqualTo("[\"b\",null,\"2s\"]");
    assertThat(table.path("rows").get(0).path("object").path("metadata").path("name").asText())
        .isEqualTo("a");
  }

  @Test
  void selectorsPrintAsLabelsSelectorString() throws Exception {
    assertThat(
            Tables.selector(
                json(
                    "{'matchLabels': {'z': '1'}, 'matchExpressions': [{'key': 'a', 'operator':"
                        + " 'In', 'values': ['y', 'x']}, {'key': 'b', 'operator': 'DoesNotExist'}]}")))
        .isEqualTo("a in (x,y),!b,z=1");
  }
}
