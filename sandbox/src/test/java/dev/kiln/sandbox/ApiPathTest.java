package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPathTest {
  @Test
  void readsResourcePathsAsTheApiServerDoes() {
    ApiPath pods =
        ApiPath.parse("/api/v1/namespaces/team-a/pods?watch=true&fieldSelector=a%3Db")
            .orElseThrow();
    assertThat(pods.groupVersion()).isEqualTo("v1");
    assertThat(pods.namespace()).isEqualTo("team-a");
    assertThat(pods.resource()).isEqualTo("pods");
    assertThat(pods.isCollection()).isTrue();
    assertThat(pods.isWatch()).isTrue();
    assertThat(pods.query()).containsEntry("fieldSelector", "a=b");
    assertThat(pods.key()).isEqualTo("/v1/pods");

    ApiPath log = ApiPath.parse("/api/v1/namespaces/ns/pods/p/log").orElseThrow();
    assertThat(log.name()).isEqualTo("p");
    assertThat(log.subresource()).isEqualTo("log");

    ApiPath tj =
        ApiPath.parse("/apis/kiln.dev/v1alpha1/namespaces/ns/trainingjobs/iris/status")
            .orElseThrow();
    assertThat(tj.groupVersion()).isEqualTo("kiln.dev/v1alpha1");
    assertThat(tj.key()).isEqualTo("kiln.dev/v1alpha1/trainingjobs");
    assertThat(tj.subresource()).isEqualTo("status");

    ApiPath all = ApiPath.parse("/apis/batch/v1/jobs").orElseThrow();
    assertThat(all.namespace()).isNull();
    assertThat(all.isWatch()).isFalse();
  }

  @Test
  void aNamespaceIsItselfAResourceWithStatusAndFinalize() {
    ApiPath ns = ApiPath.parse("/api/v1/namespaces/team-a").orElseThrow();
    assertThat(ns.resource()).isEqualTo("namespaces");
    assertThat(ns.name()).isEqualTo("team-a");
    assertThat(ns.namespace()).isNull();
    ApiPath status = ApiPath.parse("/api/v1/namespaces/team-a/status").orElseThrow();
    assertThat(status.resource()).isEqualTo("namespaces");
    assertThat(status.subresource()).isEqualTo("status");
    assertThat(ApiPath.parse("/api/v1/namespaces").orElseThrow().isCollection()).isTrue();
  }

  @Test
  void otherPathsAreNotResources() {
    assertThat(ApiPath.parse("/openapi/v3")).isEmpty();
    assertThat(ApiPath.parse("/api")).isEmpty();
    assertThat(ApiPath.parse("/apis/kiln.dev")).isEmpty();
    assertThat(ApiPath.parse("/version")).isEmpty();
  }

  @Test
  void dropsOneQueryParameter() {
    assertThat(ApiPath.without("/api/v1/pods?fieldSelector=a%3Db&limit=500", "fieldSelector"))
        .isEqualTo("/api/v1/pods?limit=500");
    assertThat(ApiPath.without("/api/v1/pods?fieldSelector=x", "fieldSelector"))
        .isEqualTo("/api/v1/pods");
  }
}
