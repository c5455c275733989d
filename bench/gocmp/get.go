package main

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/containerd/containerd"
)

// getCost times n Containers/Get calls of one existing container (after 50 unmeasured ones), the
// Go client's row in the bench's RPC-cost account: wall and CPU (all threads) per call.
func getCost(ctx context.Context, c *containerd.Client, rootfs, tag string, n int) {
	ctr, err := c.NewContainer(ctx, "go-get-"+tag, newSpec(rootfs, "/bin/true"))
	must(err)
	defer ctr.Delete(ctx)
	store := c.ContainerService()
	for i := 0; i < 50; i++ {
		_, err := store.Get(ctx, ctr.ID())
		must(err)
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		must(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	cpu0, start := cpu(), time.Now()
	for i := 0; i < n; i++ {
		_, err := store.Get(ctx, ctr.ID())
		must(err)
	}
	wall, used := time.Since(start), cpu()-cpu0
	fmt.Printf("{\"workload\":\"get\",\"n\":%d,\"wall_us\":%.1f,\"cpu_us\":%.1f}\n", n,
		float64(wall.Microseconds())/float64(n), float64(used.Microseconds())/float64(n))
}
