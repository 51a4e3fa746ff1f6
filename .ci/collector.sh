#!/usr/bin/env bash
# Builds a real OpenTelemetry Collector (upstream otlpreceiver + debug
# exporters) with the upstream OpenTelemetry Collector Builder (ocb), both from
# the Go module proxy, into a cache dir; only when it is missing. Prints the
# binary's path. The export test (internal/e2e/api/export_test.go) finds it
# through AGENTCORE_TEST_OTELCOL.
set -euo pipefail
VERSION="${OTELCOL_VERSION:-0.162.0}"
CACHE="${AGENTCORE_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentcore-ci}/otelcol-$VERSION"
BIN="$CACHE/otelcol-agentcore"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
export PATH="/usr/local/go/bin:$PATH"
if [ ! -x "$CACHE/ocb" ]; then
  GOBIN="$CACHE" GOFLAGS=-buildvcs=false go install "go.opentelemetry.io/collector/cmd/builder@v$VERSION" >&2
  mv "$CACHE/builder" "$CACHE/ocb"
fi
cat >"$CACHE/manifest.yaml" <<YAML
dist:
  name: otelcol-agentcore
  description: OpenTelemetry Collector (otlp receiver; debug exporter) for agentcore's export test
  output_path: $CACHE/build
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$VERSION
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v$VERSION
YAML
GOFLAGS=-buildvcs=false "$CACHE/ocb" --config "$CACHE/manifest.yaml" >&2
mv "$CACHE/build/otelcol-agentcore" "$BIN"
echo "$BIN"
