{{/* Names and labels shared by the templates. */}}
{{- define "kiln.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kiln.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "kiln.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kiln.labels" -}}
app.kubernetes.io/name: {{ include "kiln.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: kiln
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kiln.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kiln.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kiln.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kiln.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kiln.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* The report-key Secret: the user's, or the one the operator creates at its first start. */}}
{{- define "kiln.reportKeySecret" -}}
{{- default (printf "%s-report-key" (include "kiln.fullname" .)) .Values.reportKey.existingSecret -}}
{{- end -}}

{{/* The variables the Deployment sets from values: extraEnv may not repeat them. */}}
{{- define "kiln.chartEnv" -}}
POD_NAME,POD_NAMESPACE,KILN_WATCH_NAMESPACES,KILN_LOADER_IMAGE,KILN_MODEL_SERVER_IMAGE,KILN_HTTP_PORT,KILN_REPORT_PORT,KILN_REPORT_URL,KILN_REPORT_KEY_SECRET,KILN_REPORT_KEY_CREATE,KILN_REPORT_INTERVAL_SECONDS,KILN_REPORT_RATE_LIMIT,KILN_LEADER_ELECTION,KILN_LEASE_NAME,KILN_LOG_FORMAT,KILN_DEFAULT_WORKSPACE_SIZE,KILN_DEFAULT_STARTUP_DEADLINE_SECONDS,KILN_DEFAULT_BACKOFF_LIMIT,KILN_RECONCILE_THREADS,KILN_POD_RUN_AS_USER,KILN_POD_RUN_AS_GROUP,KILN_POD_FS_GROUP
{{- end -}}

{{/* The operator's permissions on the namespaces it watches (a ClusterRole or Roles). */}}
{{- define "kiln.workloadRules" -}}
- apiGroups: ["kiln.dev"]
  resources: ["trainingjobs"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["kiln.dev"]
  resources: ["trainingjobs/status"]
  verbs: ["update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# get: a claim or workers Service that already exists under a run's name is read back to tell
# the run's own from one of a deleted TrainingJob of the same name (docs/design.md).
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "create"]
# Kueue resumes an admitted Job that anyone else suspends: a paused (or failed) run whose Job
# Kueue manages is held back through the Job's Workload (spec.active). Harmless without Kueue.
- apiGroups: ["kueue.x-k8s.io"]
  resources: ["workloads"]
  verbs: ["list", "patch"]
# ModelServers: the server's Deployment, Service, HPA, NetworkPolicy and PDB are kept in sync
# (replaced when the spec changes; HPA, NetworkPolicy and PDB deleted when no longer wanted).
- apiGroups: ["kiln.dev"]
  resources: ["modelservers"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["kiln.dev"]
  resources: ["modelservers/status"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "update"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "update", "delete"]
# Create only: the report tokens are written once and never read back.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}
