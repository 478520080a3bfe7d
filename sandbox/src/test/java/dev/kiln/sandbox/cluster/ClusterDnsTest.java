package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterDnsTest {
  private final PodNetwork network = new PodNetwork();
  private final ClusterDns dns =
      new ClusterDns(
          network,
          (ns, name) ->
              ns.equals("team") && name.equals("iris")
                  ? Optional.of("127.1.0.7")
                  : Optional.empty());

  @Test
  void aWorkersNameResolvesToTheAddressItsPodGetsWhicheverComesFirst() {
    String coordinator = dns.resolve("ddp-1-0.ddp-workers.team.svc:29500", "127.0.0.9");
    String worker0 = network.named("team", "ddp-1-0", "ddp-workers", List.of());
    assertThat(coordinator).isEqualTo(worker0 + ":29500");
    assertThat(dns.resolve("ddp-1-0.ddp-workers.team.svc", "127.0.0.9"))
        .as("MASTER_ADDR, without the port")
        .isEqualTo(worker0);
    assertThat(dns.resolve("tcp://ddp-1-0.ddp-workers.team.svc.cluster.local.:29500", "x"))
        .isEqualTo("tcp://" + worker0 + ":29500");
    assertThat(dns.resolve("ddp-1-1.ddp-workers.team.svc", "x"))
        .as("another worker, another address")
        .isNotEqualTo(worker0)
        .isEqualTo(network.named("team", "ddp-1-1", "ddp-workers", List.of()));
  }

  @Test
  void aServicesNameResolvesToItsProxyAddressWhenItHasOne() {
    assertThat(dns.resolve("http://iris.team.svc.cluster.local:8080/v2/health/ready", "x"))
        .isEqualTo("http://127.1.0.7:8080/v2/health/ready");
    assertThat(dns.resolve("http://ddp-workers.team.svc:29500", "x"))
        .as("a headless Service has no address")
        .isEqualTo("http://ddp-workers.team.svc:29500");
  }

  @Test
  void otherNamesAndAddressesAreLeftAloneButListeningOnEveryAddressMeansThePods() {
    for (String text :
        List.of(
            "a.b.svc.example.com",
            "my.svc",
            "s3://bucket.team.svc/x",
            "10.0.0.0",
            "0.0.0.01",
            "learning_rate=0.1")) {
      assertThat(dns.resolve(text, "127.0.0.9")).as(text).isEqualTo(text);
    }
    assertThat(dns.resolve("0.0.0.0", "127.0.0.9")).isEqualTo("127.0.0.9");
    assertThat(dns.resolve("--bind=0.0.0.0:8080", "127.0.0.9")).isEqualTo("--bind=127.0.0.9:8080");
  }
}
