#!/usr/bin/env bash
# Builds gocmp, the containerd Go client doing the bench's workloads, against Debian's packaged
# Go client (GOPATH mode, offline): `bash bench/gocmp/build.sh [OUT]` prints the binary's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/containerd-sdk-gocmp/gocmp}
fresh=$([[ -x $out ]] && echo yes || echo no)
for src in "$here"/*.go; do [[ $out -nt $src ]] || fresh=no; done
if [[ $fresh == yes ]]; then echo "$out"; exit 0; fi
if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/github.com/containerd/containerd ]]; then
  echo "gocmp: installing golang-go and golang-github-containerd-containerd-dev from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q golang-go golang-github-containerd-containerd-dev >/dev/null
fi
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/gocmp" "$(dirname "$out")"
cp "$here"/*.go "$gopath/src/gocmp/"
GOPATH=$gopath:/usr/share/gocode GO111MODULE=off GOCACHE="$(dirname "$out")/cache" go build -o "$out" gocmp
echo "$out"
