#!/usr/bin/env bash
# Builds the envtest control plane (etcd and kube-apiserver) from the Go
# module proxy into a cache directory, only when it is missing, and prints
# that directory (use it as KUBEBUILDER_ASSETS). setup-envtest downloads from
# GitHub, which CI machines may not reach; both binaries build from the proxy
# instead (about 5 min cold on 2 cores). The two wrapper modules are
# generated into a temporary directory: they are not part of the main module.
# The kubernetes sandbox driver's tests find the directory through
# AGENTCORE_TEST_KUBE_ASSETS (.ci/run sets it).
set -euo pipefail
ETCD_VERSION="${ENVTEST_ETCD_VERSION:-3.7.3}"
KUBE_VERSION="${ENVTEST_KUBE_VERSION:-1.36.3}"
STAGING_VERSION="0.${KUBE_VERSION#1.}"
DIR="${TMPDIR:-/tmp}/agentcore-ci-envtest/etcd-$ETCD_VERSION-kube-apiserver-$KUBE_VERSION"
if [ -x "$DIR/etcd" ] && [ -x "$DIR/kube-apiserver" ]; then echo "$DIR"; exit 0; fi
mkdir -p "$DIR"
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOWORK=off
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$DIR/etcd" ]; then
  mkdir -p "$work/etcd"
  cat >"$work/etcd/main.go" <<'GO'
// Command etcd is upstream etcd's server (etcdmain), for envtest.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (
    cd "$work/etcd"
    go mod init agentcore.local/envtest/etcd >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2
    go mod tidy >&2
    go build -trimpath -o "$DIR/etcd.tmp" . >&2
  )
  mv "$DIR/etcd.tmp" "$DIR/etcd"
fi

if [ ! -x "$DIR/kube-apiserver" ]; then
  mkdir -p "$work/apiserver"
  cat >"$work/apiserver/main.go" <<'GO'
// Command kube-apiserver is upstream Kubernetes' API server, for envtest.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
GO
  (
    cd "$work/apiserver"
    go mod init agentcore.local/envtest/kube-apiserver >/dev/null 2>&1
    gomod="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    # k8s.io/kubernetes replaces its staging modules with ./staging paths;
    # a dependent module must pin each one to its published version.
    for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod"); do
      go mod edit -replace "$m=$m@v$STAGING_VERSION"
    done
    go mod edit -require "k8s.io/kubernetes@v$KUBE_VERSION"
    go mod tidy >&2
    go build -trimpath -ldflags "-X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION" \
      -o "$DIR/kube-apiserver.tmp" . >&2
  )
  mv "$DIR/kube-apiserver.tmp" "$DIR/kube-apiserver"
fi
echo "$DIR"
