package dev.kiln.api.v1alpha1;

/**
 * The Pod Security Standard level a workload's pods are built for, and so the level the namespace
 * must admit. Lower case, as Kubernetes spells the levels in its namespace labels.
 */
public enum PodSecurityLevel {
  /** Non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp. */
  restricted,
  /** As restricted, but the user's containers may run as any user, root included. */
  baseline
}
