package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The parts of a Kubernetes cluster the sandbox simulates next to its API server, each talking to
 * it only through the API, as the real ones do: a kubelet that runs pods as local processes of the
 * reference images, the Job and Deployment controllers, a volume provisioner, the garbage
 * collector, and kube-proxy with cluster DNS ({@link #services()}).
 */
public final class SimulatedCluster implements AutoCloseable {
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Job> jobs;
  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<Service> serviceInformer;
  private final SharedIndexInformer<PersistentVolumeClaim> claims;
  private final Kubelet kubelet;
  private final JobController jobController;
  private final DeploymentController deploymentController;
  private final GarbageCollector garbageCollector;
  private final ServiceProxy services;

  /**
   * Starts the simulated cluster on {@code client} (an admin client of the API server); pods, logs
   * and volumes live under {@code dir}.
   */
  public SimulatedCluster(
      KubernetesClient client, LocalImages images, Path dir, Clock clock, ProcessLedger ledger) {
    pods = client.pods().inAnyNamespace().runnableInformer(0);
    pods.addIndexers(Owners.index());
    jobs = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
    deployments = client.apps().deployments().inAnyNamespace().runnableInformer(0);
    serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
    claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0);

    PodNetwork network = new PodNetwork();
    VolumeProvisioner provisioner = new VolumeProvisioner(client, dir.resolve("volumes"));
    provisioner.watch(claims);
    kubelet = new Kubelet(client, images, network, provisioner, dir.resolve("pods"), clock, ledger);
    kubelet.watch(pods);
    jobController = new JobController(client, jobs, pods, clock);
    deploymentController = new DeploymentController(client, deployments, pods, clock);
    services = new ServiceProxy(network, pods);
    services.watch(serviceInformer);
    garbageCollector = new GarbageCollector(client);
    garbageCollector.watch(pods);
    garbageCollector.watch(jobs);
    garbageCollector.watch(deployments);
    garbageCollector.watchCustom("kiln.dev/v1alpha1", "TrainingJob");
    garbageCollector.watchCustom("kiln.dev/v1alpha1", "ModelServer");

    claims.run();
    pods.run();
    serviceInformer.run();
    jobs.run();
    deployments.run();
    garbageCollector.start();
  }

  /** kube-proxy and cluster DNS: the local address of a Service's cluster URL. */
  public ServiceProxy services() {
    return services;
  }

  /** Stops the controllers, then every pod (waiting until their processes are gone). */
  @Override
  public void close() {
    jobController.close();
    deploymentController.close();
    garbageCollector.close();
    for (SharedIndexInformer<?> informer : List.of(jobs, deployments, claims)) {
      informer.close();
    }
    kubelet.close();
    services.close();
    serviceInformer.close();
    pods.close();
  }
}
