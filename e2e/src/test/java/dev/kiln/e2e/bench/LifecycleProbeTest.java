package dev.kiln.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LifecycleProbeTest {
  private static final String TJS = "/apis/kiln.dev/v1alpha1/namespaces/team-a/trainingjobs";
  private static final String JOBS = "/apis/batch/v1/namespaces/team-a/jobs";

  private final LifecycleProbe probe = new LifecycleProbe();

  @Test
  void timesCreationToJobAndFollowsThePhases() {
    probe.stored("POST", TJS, json("{'metadata':{'name':'a'}}"));
    probe.stored("POST", TJS, json("{'metadata':{'name':'b'}}"));
    probe.stored("POST", JOBS, json("{'metadata':{'labels':{'kiln.dev/trainingjob':'a'}}}"));
    probe.stored(
        "PUT", TJS + "/a/status", json("{'metadata':{'name':'a'},'status':{'phase':'Running'}}"));
    probe.stored(
        "PUT", TJS + "/b/status", json("{'metadata':{'name':'b'},'status':{'phase':'Pending'}}"));
    // straight to Succeeded counts as having reached Running
    probe.stored(
        "PATCH",
        TJS + "/b/status",
        json("{'metadata':{'name':'b'},'status':{'phase':'Succeeded'}}"));

    assertThat(probe.progress()).isEqualTo(new LifecycleProbe.Progress(2, 1, 2, 1));
    LifecycleProbe.Latencies latencies = probe.latencies();
    assertThat(latencies.count()).isEqualTo(1);
    assertThat(latencies.p99Ms()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void ignoresOtherKindsAndJobsOfNoTrainingJob() {
    probe.stored("POST", "/api/v1/namespaces/team-a/pods", json("{'metadata':{'name':'a'}}"));
    probe.stored("POST", JOBS, json("{'metadata':{'name':'other'}}"));
    probe.stored("POST", "/apis/other.dev/v1/namespaces/team-a/trainingjobs", json("{}"));

    assertThat(probe.progress()).isEqualTo(new LifecycleProbe.Progress(0, 0, 0, 0));
    assertThat(probe.latencies().count()).isZero();
  }

  private static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }
}
