{{- define "kiln-training.name" -}}
{{- default .Release.Name .Values.name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "kiln-training.labels" -}}
app.kubernetes.io/name: kiln-training
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: kiln
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
