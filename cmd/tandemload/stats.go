package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 1) of sorted, by the nearest-rank
// method; 0 when sorted is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

// userHZ is the unit of the CPU times in /proc: Linux reports clock ticks of 1/100 s
// to user space on every architecture Go supports.
const userHZ = 100

// cpuSample is the machine's and some processes' CPU time at one moment, from /proc.
type cpuSample struct {
	at          time.Time
	busy, total float64 // machine-wide, in seconds summed over cores
	server      float64 // the server process, in seconds (0 without one)
	postgres    float64 // the postmaster and its children, in seconds (0 without one)
	self        float64 // this process, in seconds
}

// sampleCPU reads the CPU times now; serverPID or postmasterPID 0 skips that process.
func sampleCPU(serverPID, postmasterPID int) (cpuSample, error) {
	s := cpuSample{at: time.Now()}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return s, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	for i, f := range fields[1:] {
		v, _ := strconv.ParseFloat(f, 64)
		s.total += v / userHZ
		if i != 3 && i != 4 { // idle, iowait
			s.busy += v / userHZ
		}
	}
	if s.self, err = processCPU("self"); err != nil {
		return s, err
	}
	if serverPID > 0 {
		if s.server, err = processCPU(strconv.Itoa(serverPID)); err != nil {
			return s, err
		}
	}
	if postmasterPID > 0 {
		s.postgres, err = postgresCPU(postmasterPID)
	}
	return s, err
}

// procStat is the part of /proc/PID/stat this file uses.
type procStat struct {
	ppid int
	// own is the process's CPU seconds; children those of its exited, waited-for children.
	own, children float64
}

func readProcStat(pid string) (procStat, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name in parentheses may hold spaces; fields count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("unexpected /proc/%s/stat", pid)
	}
	num := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v / userHZ }
	ppid, _ := strconv.Atoi(f[1])
	return procStat{ppid: ppid, own: num(11) + num(12), children: num(13) + num(14)}, nil
}

// processCPU returns the user and system CPU seconds of process pid ("self" or a number).
func processCPU(pid string) (float64, error) {
	st, err := readProcStat(pid)
	return st.own, err
}

// postgresCPU returns the CPU seconds of a PostgreSQL server: the postmaster's own, its
// exited backends' (which it waits for) and its running children's.
func postgresCPU(postmasterPID int) (float64, error) {
	root, err := readProcStat(strconv.Itoa(postmasterPID))
	if err != nil {
		return 0, err
	}
	total := root.own + root.children
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		if st, err := readProcStat(e.Name()); err == nil && st.ppid == postmasterPID {
			total += st.own
		}
	}
	return total, nil
}

// cpuUse is how many cores were busy between two samples, split by process.
type cpuUse struct {
	wall                            time.Duration
	machine, server, postgres, self float64 // cores
}

func cpuBetween(a, b cpuSample) cpuUse {
	wall := b.at.Sub(a.at)
	sec := wall.Seconds()
	return cpuUse{
		wall:     wall,
		machine:  (b.busy - a.busy) / sec,
		server:   (b.server - a.server) / sec,
		postgres: (b.postgres - a.postgres) / sec,
		self:     (b.self - a.self) / sec,
	}
}

// rssKiB returns the resident memory of process pid, in KiB, from /proc/PID/status.
func rssKiB(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// sortedCopy returns the durations sorted, leaving d as it is.
func sortedCopy(d []time.Duration) []time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}
