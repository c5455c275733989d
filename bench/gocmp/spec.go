package main

import (
	"os"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/oci"
)

// newSpec is the spec every gocmp container gets: containerd's default plus the PATH and the
// standard device rules, which is what `ctr run` builds and what the SDK's default spec equals, so
// runc does the same work for both clients. GOCMP_SPEC=bare drops the two, to measure what they
// cost the daemon.
func newSpec(rootfs string, args ...string) containerd.NewContainerOpts {
	opts := []oci.SpecOpts{oci.WithRootFSPath(rootfs), oci.WithProcessArgs(args...)}
	if os.Getenv("GOCMP_SPEC") != "bare" {
		opts = append(opts, oci.WithDefaultPathEnv, oci.WithDefaultUnixDevices)
	}
	return containerd.WithNewSpec(opts...)
}
