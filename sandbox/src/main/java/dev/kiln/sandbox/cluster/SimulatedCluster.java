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
import java.util.function.Consumer;

/**
 * The parts of a Kubernetes cluster the sandbox simulates next to its API server, each talking to
 * it only through the API, as the real ones do: a kubelet that runs pods as containers of an engine
 * or as local processes of the reference images and the user's Python images ({@link
 * ContainerRuntime}), the Job and Deployment controllers, a volume provisioner, the garbage
 * collector, and kube-proxy with cluster DNS ({@link #services()}).
 */
public final class SimulatedCluster implements AutoCloseable {
  private final ServiceProxy services;

  /** What {@link #close()} stops, in order: controllers, informers, pods, kube-proxy. */
  private final List<Runnable> stops;

  /**
   * Starts the simulated cluster on {@code client} (an admin client of the API server); pods, logs
   * and volumes live under {@code dir}.
   */
  public SimulatedCluster(
      KubernetesClient client, LocalImages images, Path dir, Clock clock, ProcessLedger ledger) {
    this(
        client,
        ContainerRuntime.hostProcesses("the simulated cluster's default"),
        images,
        dir,
        clock,
        ledger,
        notice -> {});
  }

  /**
   * As above, with the pods' containers run by {@code runtime} (which the caller closes after this
   * cluster); {@code notices} hears what this machine lacks to run a user's image (its Python, a
   * package), in a line that names what to install.
   */
  public SimulatedCluster(
      KubernetesClient client,
      ContainerRuntime runtime,
      LocalImages images,
      Path dir,
      Clock clock,
      ProcessLedger ledger,
      Consumer<String> notices) {
    SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
    pods.addIndexers(Owners.index());
    SharedIndexInformer<Job> jobs = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
    SharedIndexInformer<Deployment> deployments =
        client.apps().deployments().inAnyNamespace().runnableInformer(0);
    SharedIndexInformer<Service> serviceInformer =
        client.services().inAnyNamespace().runnableInformer(0);
    SharedIndexInformer<PersistentVolumeClaim> claims =
        client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0);

    PodNetwork network = new PodNetwork();
    VolumeProvisioner provisioner = new VolumeProvisioner(client, dir.resolve("volumes"));
    provisioner.watch(claims);
    services = new ServiceProxy(network, pods);
    HostPython python = new HostPython(HostPython.configuredInterpreter(), dir.resolve("python"));
    ClusterDns dns = new ClusterDns(network, services::address);
    Kubelet kubelet =
        new Kubelet(
            Node.of(
                client,
                provisioner,
                new Node.Host(runtime, images, network, dns, python, ledger, clock, notices)),
            dir.resolve("pods"));
    kubelet.watch(pods);
    var controllers = new PodOwnerController.Cluster(client, pods, clock);
    JobController jobController = new JobController(controllers, jobs);
    jobController.start();
    DeploymentController deploymentController = new DeploymentController(controllers, deployments);
    deploymentController.start();
    services.watch(serviceInformer);
    GarbageCollector garbageCollector = garbageCollector(client, pods, jobs, deployments);

    claims.run();
    pods.run();
    serviceInformer.run();
    jobs.run();
    deployments.run();
    garbageCollector.start();
    stops =
        List.of(
            jobController::close,
            deploymentController::close,
            garbageCollector::close,
            jobs::close,
            deployments::close,
            claims::close,
            kubelet::close,
            services::close,
            serviceInformer::close,
            pods::close);
  }

  /** Deletes pods, Jobs, Deployments and Kiln's resources' children with their owners. */
  private static GarbageCollector garbageCollector(
      KubernetesClient client,
      SharedIndexInformer<Pod> pods,
      SharedIndexInformer<Job> jobs,
      SharedIndexInformer<Deployment> deployments) {
    GarbageCollector garbageCollector = new GarbageCollector(client);
    garbageCollector.watch(pods);
    garbageCollector.watch(jobs);
    garbageCollector.watch(deployments);
    garbageCollector.watchCustom("kiln.dev/v1alpha1", "TrainingJob");
    garbageCollector.watchCustom("kiln.dev/v1alpha1", "ModelServer");
    return garbageCollector;
  }

  /** kube-proxy and cluster DNS: the local address of a Service's cluster URL. */
  public ServiceProxy services() {
    return services;
  }

  /** Stops the controllers, then every pod (waiting until their processes are gone). */
  @Override
  public void close() {
    stops.forEach(Runnable::run);
  }
}
