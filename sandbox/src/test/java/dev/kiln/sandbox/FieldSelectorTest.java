package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENTS = "/v1/events";
  private static final String PODS = "/v1/pods";

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static final String EVENT =
      "{'metadata': {'name': 'iris.1', 'namespace': 'team-a'},"
          + " 'involvedObject': {'kind': 'TrainingJob', 'name': 'iris', 'namespace': 'team-a',"
          + " 'uid': 'u-1', 'apiVersion': 'kiln.dev/v1alpha1'},"
          + " 'reason': 'Succeeded', 'type': 'Normal', 'source': {'component': 'kiln-operator'}}";

  @Test
  void kubectlDescribesSelectorFindsTheEventsOfItsObject() throws Exception {
    FieldSelector describe =
        FieldSelector.parse(
            "involvedObject.name=iris,involvedObject.namespace=team-a,"
                + "involvedObject.kind=TrainingJob,involvedObject.uid=u-1");
    assertThat(describe.unsupported(EVENTS, true)).isEmpty();
    assertThat(describe.matches(EVENTS, json(EVENT))).isTrue();
    assertThat(FieldSelector.parse("involvedObject.uid=u-2").matches(EVENTS, json(EVENT)))
        .as("another object of the same name")
        .isFalse();
  }

  @Test
  void eventsAreSelectedByReasonTypeAndSource() throws Exception {
    assertThat(FieldSelector.parse("reason=Succeeded,type=Normal").matches(EVENTS, json(EVENT)))
        .isTrue();
    assertThat(FieldSelector.parse("type!=Normal").matches(EVENTS, json(EVENT))).isFalse();
    assertThat(FieldSelector.parse("type==Normal").matches(EVENTS, json(EVENT))).isTrue();
    assertThat(FieldSelector.parse("source=kiln-operator").matches(EVENTS, json(EVENT))).isTrue();
  }

  @Test
  void podsAreSelectedByPhaseAndNodeAndMetadata() throws Exception {
    JsonNode pod =
        json(
            "{'metadata': {'name': 'p', 'namespace': 'ns'}, 'spec': {'nodeName': 'sandbox'},"
                + " 'status': {'phase': 'Running'}}");
    assertThat(FieldSelector.parse("status.phase=Running").matches(PODS, pod)).isTrue();
    assertThat(FieldSelector.parse("status.phase!=Running").matches(PODS, pod)).isFalse();
    assertThat(FieldSelector.parse("spec.nodeName=sandbox").matches(PODS, pod)).isTrue();
    assertThat(FieldSelector.parse("metadata.name=p,metadata.namespace=ns").matches(PODS, pod))
        .isTrue();
    assertThat(FieldSelector.parse("spec.nodeName=").matches(PODS, json("{'spec': {}}")))
        .as("an unset field is the empty string")
        .isTrue();
  }

  @Test
  void aFieldTheKindLacksIsRefusedAsTheApiServerDoes() {
    assertThat(FieldSelector.parse("spec.foo=bar").unsupported(PODS, true))
        .contains("field label not supported: spec.foo");
    assertThat(FieldSelector.parse("reason=x").unsupported(PODS, true))
        .as("reason is an Event's field, not a pod's")
        .contains("field label not supported: reason");
    assertThat(FieldSelector.parse("metadata.namespace=x").unsupported("/v1/namespaces", false))
        .as("cluster-scoped kinds have no namespace field")
        .contains("field label not supported: metadata.namespace");
    assertThat(
            FieldSelector.parse("metadata.name=x")
                .unsupported("kiln.dev/v1alpha1/trainingjobs", true))
        .isEmpty();
  }

  @Test
  void valuesMayEscapeCommasAndEqualSigns() throws Exception {
    FieldSelector s = FieldSelector.parse("reason=a\\,b\\=c,type=Normal");
    assertThat(s.terms())
        .extracting(FieldSelector.Term::field, FieldSelector.Term::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("reason", "a,b=c"),
            org.assertj.core.groups.Tuple.tuple("type", "Normal"));
    assertThat(FieldSelector.parse("").isEmpty()).isTrue();
  }

  @Test
  void malformedSelectorsNameTheTerm() {
    assertThatThrownBy(() -> FieldSelector.parse("reason"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'reason'");
    assertThatThrownBy(() -> FieldSelector.parse("reason=a=b")).hasMessageContaining("unescaped =");
    assertThatThrownBy(() -> FieldSelector.parse("reason=a\\x"))
        .hasMessageContaining("invalid escape sequence");
  }
}
