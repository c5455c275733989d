// explain: one lifecycle or one exec, phase by phase, as the Go client spends it. Each RPC's time
// as the client sees it comes from a unary interceptor; the daemon's from containerd's
// grpc_server_handling_seconds histogram (sum per method), read from $GOCMP_METRICS before and
// after each phase. Two warm-up rounds first; then one JSON line per phase per round.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"
	"github.com/containerd/containerd/namespaces"
	"github.com/containerd/containerd/pkg/dialer"
	"google.golang.org/grpc"
)

type rpcTime struct {
	Method   string  `json:"method"`
	ClientMs float64 `json:"client_ms"`
}

type recorder struct {
	mu    sync.Mutex
	calls []rpcTime
}

func (r *recorder) intercept(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	start := time.Now()
	err := invoker(ctx, method, req, reply, cc, opts...)
	ms := float64(time.Since(start).Microseconds()) / 1000
	r.mu.Lock()
	r.calls = append(r.calls, rpcTime{shortMethod(method), ms})
	r.mu.Unlock()
	return err
}

func (r *recorder) take() []rpcTime {
	r.mu.Lock()
	defer r.mu.Unlock()
	calls := r.calls
	r.calls = nil
	return calls
}

var methodRe = regexp.MustCompile(`([A-Za-z]+/[A-Za-z]+)$`)

// shortMethod: "/containerd.services.tasks.v1.Tasks/Start" -> "Tasks/Start", as the bench prints it.
func shortMethod(full string) string {
	if m := methodRe.FindString(full); m != "" {
		return m
	}
	return full
}

var seriesRe = regexp.MustCompile(`^grpc_server_handling_seconds_(sum|count)\{([^}]*)\}\s+(\S+)`)
var labelRe = regexp.MustCompile(`(\w+)="([^"]*)"`)
var serviceRe = regexp.MustCompile(`[^.]*$`)

type daemonTime struct{ count, seconds float64 }

func readDaemon(address string) map[string]daemonTime {
	res, err := http.Get("http://" + address + "/v1/metrics")
	must(err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	must(err)
	out := map[string]daemonTime{}
	for _, line := range regexp.MustCompile("\n").Split(string(body), -1) {
		m := seriesRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		labels := map[string]string{}
		for _, l := range labelRe.FindAllStringSubmatch(m[2], -1) {
			labels[l[1]] = l[2]
		}
		key := serviceRe.FindString(labels["grpc_service"]) + "/" + labels["grpc_method"]
		v, _ := strconv.ParseFloat(m[3], 64)
		e := out[key]
		if m[1] == "sum" {
			e.seconds += v
		} else {
			e.count += v
		}
		out[key] = e
	}
	return out
}

type phaseLine struct {
	Impl     string             `json:"impl"`
	Kind     string             `json:"kind"`
	Round    int                `json:"round"`
	Phase    string             `json:"phase"`
	ClientMs float64            `json:"client_ms"`
	RpcMs    float64            `json:"rpc_ms"`
	DaemonMs float64            `json:"daemon_ms"`
	Rpcs     []rpcTime          `json:"rpcs"`
	Daemon   map[string]float64 `json:"daemon_rpcs"`
	// Exit phase: from the exit time containerd reports to the client holding it.
	ExitToSeenMs float64 `json:"exit_to_seen_ms,omitempty"`
}

func explain(sock, rootfs, kind string, rounds int) {
	metrics := os.Getenv("GOCMP_METRICS")
	if metrics == "" {
		panic("explain needs GOCMP_METRICS=host:port")
	}
	rec := &recorder{}
	c, err := containerd.New(sock, containerd.WithDialOpts([]grpc.DialOption{
		grpc.WithBlock(),
		grpc.WithInsecure(),
		grpc.FailOnNonTempDialError(true),
		grpc.WithContextDialer(dialer.ContextDialer),
		grpc.WithReturnConnectionError(),
		grpc.WithChainUnaryInterceptor(rec.intercept),
	}))
	must(err)
	defer c.Close()
	ctx := namespaces.WithNamespace(context.Background(), "gocmp")
	tag := strconv.Itoa(os.Getpid())
	enc := json.NewEncoder(os.Stdout)

	var lines []phaseLine
	var before map[string]daemonTime
	var started time.Time
	round := 0
	begin := func() {
		rec.take()
		before = readDaemon(metrics)
		started = time.Now()
	}
	// lap closes one phase and starts the next without reading the metrics in between.
	var open []phaseLine
	lap := func(phase string) {
		ms := float64(time.Since(started).Microseconds()) / 1000
		line := phaseLine{Impl: "go", Kind: kind, Round: round, Phase: phase, ClientMs: ms, Rpcs: rec.take(), Daemon: map[string]float64{}}
		for _, r := range line.Rpcs {
			line.RpcMs += r.ClientMs
		}
		open = append(open, line)
		started = time.Now()
	}
	// end closes the last phase, then reads the metrics (after the clock stopped) and gives each
	// method's daemon time to the phase whose client made that call.
	end := func(phase string) {
		lap(phase)
		after := readDaemon(metrics)
		for k, a := range after {
			b := before[k]
			if a.count <= b.count {
				continue
			}
			owner := len(open) - 1
			for i, l := range open {
				for _, r := range l.Rpcs {
					if r.Method == k {
						owner = i
					}
				}
			}
			d := (a.seconds - b.seconds) * 1000
			open[owner].Daemon[k] = d
			open[owner].DaemonMs += d
		}
		lines = append(lines, open...)
		open = nil
	}

	// startToExit times start and the exit it leads to. Wait's RPC goes out before start, as the Go
	// client does it; it finishes with the exit.
	startToExit := func(p containerd.Process) {
		ch, err := p.Wait(ctx)
		must(err)
		begin()
		must(p.Start(ctx))
		lap("start")
		st := <-ch
		seen := time.Since(st.ExitTime())
		end("exit")
		lines[len(lines)-1].ExitToSeenMs = float64(seen.Microseconds()) / 1000
	}

	if kind == "explain-lifecycle" {
		for round = -1; round <= rounds; round++ {
			id := fmt.Sprintf("go-x-%s-%d", tag, round+2)
			begin()
			ctr, err := c.NewContainer(ctx, id, newSpec(rootfs, "/bin/true"))
			must(err)
			end("create")
			begin()
			t, err := ctr.NewTask(ctx, cio.NullIO)
			must(err)
			end("task create")
			startToExit(t)
			begin()
			_, err = t.Delete(ctx)
			must(err)
			end("task delete")
			begin()
			must(ctr.Delete(ctx))
			end("container delete")
		}
	} else {
		ctr, err := c.NewContainer(ctx, "go-xe-"+tag, newSpec(rootfs, "/bin/sleep", "600"))
		must(err)
		t, err := ctr.NewTask(ctx, cio.NullIO)
		must(err)
		must(t.Start(ctx))
		spec, err := ctr.Spec(ctx)
		must(err)
		for round = -1; round <= rounds; round++ {
			ps := *spec.Process
			ps.Args = []string{"/bin/true"}
			begin()
			p, err := t.Exec(ctx, fmt.Sprintf("x%d", round+2), &ps, cio.NullIO)
			must(err)
			end("exec")
			startToExit(p)
			begin()
			_, err = p.Delete(ctx)
			must(err)
			end("delete")
		}
		must(t.Kill(ctx, syscall.SIGKILL))
		ch, _ := t.Wait(ctx)
		<-ch
		t.Delete(ctx)
		ctr.Delete(ctx)
	}
	for _, l := range lines {
		if l.Round >= 1 {
			must(enc.Encode(l))
		}
	}
}
