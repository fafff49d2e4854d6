// The Go contender: libe2b through bindings/go (cgo over the C ABI), measured
// exactly as harness.c measures the C ones (same operations, warm-up,
// budgets and JSON lines; see ../README.md).
//
//	bench-go ops=OP,OP... [iters=N] [budget=S] [thread_secs=S]
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

const (
	file1K   = "/home/user/bench/f1k.bin"
	dir100   = "/home/user/bench/d100"
	bigFile  = "/home/user/bench/big.bin"
	warmup   = 3
	minIters = 5
)

// ctx is the context of every call: the benchmark never cancels.
var ctx = context.Background()

var (
	kib   = fill(1024)
	chunk = fill(1 << 16)
)

func fill(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	return b
}

type bench struct {
	client     *e2b.Client
	sandbox    *e2b.Sandbox
	iters      int
	budget     time.Duration
	threadSecs time.Duration
}

func check(ok bool, what string) error {
	if !ok {
		return fmt.Errorf("%s: unexpected result", what)
	}
	return nil
}

func (b *bench) create(template string) (*e2b.Sandbox, error) {
	return b.client.CreateSandbox(ctx, &e2b.SandboxOptions{Template: template})
}

func kill(s *e2b.Sandbox) error {
	_, err := s.Kill(ctx)
	s.Close()
	return err
}

func write(s *e2b.Sandbox) error { return s.Files().Write(ctx, file1K, kib) }

func read(s *e2b.Sandbox) error {
	data, err := s.Files().Read(ctx, file1K)
	if err != nil {
		return err
	}
	return check(len(data) == len(kib), "read")
}

func stat(s *e2b.Sandbox) error {
	_, err := s.Files().Info(ctx, file1K)
	return err
}

func list(s *e2b.Sandbox, path string, expected int) error {
	entries, err := s.Files().List(ctx, path, 1)
	if err != nil {
		return err
	}
	return check(expected == 0 || len(entries) == expected, "list")
}

func run(s *e2b.Sandbox, cmd string) error {
	result, err := s.Commands().Run(ctx, cmd, nil)
	if err != nil {
		return err
	}
	return check(result.ExitCode == 0, "run")
}

func runCode(s *e2b.Sandbox) error {
	execution, err := s.RunCode(ctx, "1+1", nil)
	if err != nil {
		return err
	}
	return check(execution.Text == "2", "run_code")
}

func (b *bench) calls() map[string]func() error {
	s := b.sandbox
	return map[string]func() error{
		"create_kill": func() error {
			sandbox, err := b.create("base")
			if err != nil {
				return err
			}
			return kill(sandbox)
		},
		"write_1k": func() error { return write(s) },
		"read_1k":  func() error { return read(s) },
		"stat":     func() error { return stat(s) },
		"list_100": func() error { return list(s, dir100, 100) },
		"run_true": func() error { return run(s, "true") },
		"run_code": func() error { return runCode(s) },
	}
}

func emit(format string, a ...any) { fmt.Printf(format+"\n", a...) }

func (b *bench) latency(op string, call func() error) error {
	for i := 0; i < warmup; i++ {
		if err := call(); err != nil {
			return err
		}
	}
	var samples []float64
	deadline, cpu := time.Now().Add(b.budget), cpuSeconds()
	for len(samples) < b.iters && (len(samples) < minIters || time.Now().Before(deadline)) {
		start := time.Now()
		if err := call(); err != nil {
			return err
		}
		samples = append(samples, float64(time.Since(start).Nanoseconds())/1e3)
	}
	n := len(samples)
	perCall := (cpuSeconds() - cpu) / float64(n) * 1e6
	sort.Float64s(samples)
	emit(`{"op":"%s","n":%d,"median_us":%.1f,"p90_us":%.1f,"cpu_us":%.1f}`, op, n, samples[n/2], samples[n*9/10],
		perCall)
	return nil
}

type source struct{ left int64 }

func (s *source) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	n := copy(p, chunk)
	if int64(n) > s.left {
		n = int(s.left)
	}
	s.left -= int64(n)
	return n, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// cpuSeconds is the CPU time of this process (every thread) so far.
func cpuSeconds() float64 {
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	return float64(usage.Utime.Nano()+usage.Stime.Nano()) / 1e9
}

// statusMiB reads a line of /proc/self/status ("VmRSS", "VmHWM") in MiB.
func statusMiB(key string) float64 {
	data, _ := os.ReadFile("/proc/self/status")
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		if fields := strings.Fields(scanner.Text()); len(fields) > 1 && fields[0] == key+":" {
			kib, _ := strconv.ParseFloat(fields[1], 64)
			return kib / 1024
		}
	}
	return -1
}

func (b *bench) transfer(op string, up bool, mib int64) error {
	size := mib << 20
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	before := statusMiB("VmRSS")
	start := time.Now()
	if up {
		if err := b.sandbox.Files().WriteFrom(ctx, bigFile, &source{size}, size); err != nil {
			return err
		}
	} else {
		sink := &counter{}
		if _, err := b.sandbox.Files().ReadTo(ctx, bigFile, sink); err != nil {
			return err
		}
		if err := check(sink.n == size, "download"); err != nil {
			return err
		}
	}
	elapsed := time.Since(start).Seconds()
	emit(`{"op":"%s","mb_s":%.1f,"peak_rss_mib":%.2f,"rss_before_mib":%.2f}`, op, float64(size)/elapsed/1e6,
		statusMiB("VmHWM"), before)
	return nil
}

// connects is the number of TCP connections this process opened to e2b-local (connects.so appends a byte per connect).
func connects() int64 {
	info, err := os.Stat(os.Getenv("E2B_BENCH_CONNECT_LOG"))
	if err != nil {
		return -1
	}
	return info.Size()
}

func (b *bench) threads(op string, count int) {
	var warm, done sync.WaitGroup
	var stop atomic.Bool
	var calls, errors atomic.Int64
	release := make(chan struct{})
	warm.Add(count)
	done.Add(count)
	for i := 0; i < count; i++ {
		go func() {
			defer done.Done()
			for j := 0; j < 20; j++ {
				if stat(b.sandbox) != nil {
					errors.Add(1)
				}
			}
			warm.Done()
			<-release
			for !stop.Load() {
				if stat(b.sandbox) == nil {
					calls.Add(1)
				} else {
					errors.Add(1)
				}
			}
		}()
	}
	warm.Wait()
	before := connects()
	start := time.Now()
	close(release)
	time.Sleep(b.threadSecs)
	stop.Store(true)
	done.Wait()
	elapsed := time.Since(start).Seconds()
	emit(`{"op":"%s","threads":%d,"ops_s":%.1f,"errors":%d,"new_connects":%d}`, op, count,
		float64(calls.Load())/elapsed, errors.Load(), connects()-before)
}

func (b *bench) mixed() error {
	before := connects()
	s, err := b.create("code-interpreter-v1")
	if err != nil {
		return err
	}
	cycle := []func() error{
		func() error { return write(s) },
		func() error { return read(s) },
		func() error { return stat(s) },
		func() error { return list(s, "/home/user/bench", 0) },
		func() error { return run(s, "true") },
		func() error { return runCode(s) },
	}
	for i := 0; i < 100; i++ {
		if err := cycle[i%6](); err != nil {
			return err
		}
	}
	if err := kill(s); err != nil {
		return err
	}
	emit(`{"op":"connects","calls":100,"connects":%d}`, connects()-before)
	return nil
}

func (b *bench) run(op string) error {
	if op == "connects" {
		return b.mixed()
	}
	if b.sandbox == nil {
		s, err := b.create("code-interpreter-v1")
		if err != nil {
			return err
		}
		b.sandbox = s
		if err := write(s); err != nil {
			return err
		}
		if err := run(s, "mkdir -p "+dir100+" && cd "+dir100+" && touch f{000..099}"); err != nil {
			return err
		}
	}
	if call, ok := b.calls()[op]; ok {
		return b.latency(op, call)
	}
	kind, arg, _ := strings.Cut(op, "_")
	n, err := strconv.Atoi(arg)
	switch {
	case err != nil:
		return fmt.Errorf("unknown operation")
	case kind == "up" || kind == "down":
		return b.transfer(op, kind == "up", int64(n))
	case kind == "threads":
		b.threads(op, n)
		return nil
	}
	return fmt.Errorf("unknown operation")
}

func main() {
	settings := map[string]string{"iters": "200", "budget": "1", "thread_secs": "1"}
	for _, arg := range os.Args[1:] {
		key, value, _ := strings.Cut(arg, "=")
		settings[key] = value
	}
	iters, _ := strconv.Atoi(settings["iters"])
	budget, _ := strconv.ParseFloat(settings["budget"], 64)
	threadSecs, _ := strconv.ParseFloat(settings["thread_secs"], 64)
	client, err := e2b.NewClient(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
	b := &bench{client: client, iters: iters, budget: time.Duration(budget * float64(time.Second)),
		threadSecs: time.Duration(threadSecs * float64(time.Second))}
	for _, op := range strings.Split(settings["ops"], ",") {
		if err := b.run(op); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", op, err)
			emit(`{"op":"%s","error":"failed"}`, op)
		}
	}
	if b.sandbox != nil {
		if err := kill(b.sandbox); err != nil {
			fmt.Fprintln(os.Stderr, "kill:", err)
			os.Exit(1)
		}
	}
}
