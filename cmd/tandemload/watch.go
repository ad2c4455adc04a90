package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

// probes records when each probe message was sent, when SendMessage returned and
// when its event first arrived on a stream, as Unix nanoseconds (0: not yet).
type probes struct {
	sent, returned, delivered []atomic.Int64
}

func newProbes(n int) *probes {
	return &probes{sent: make([]atomic.Int64, n), returned: make([]atomic.Int64, n), delivered: make([]atomic.Int64, n)}
}

// probeText is the text of probe k; parseProbe reads k back.
func probeText(k int) string { return fmt.Sprintf("probe %d: where is my order?", k) }

func parseProbe(text string) (int, bool) {
	var k int
	_, err := fmt.Sscanf(text, "probe %d:", &k)
	return k, err == nil
}

// runWatch is the watch command.
func runWatch(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	addr := fs.String("addr", "http://127.0.0.1:8080", "the replica the streams watch (loopback only)")
	addr2 := fs.String("addr2", "", "another replica to send the messages through (empty sends through -addr)")
	siteKey := fs.String("site-key", "", "the account's site key (required)")
	n := fs.Int("streams", 10000, "WatchConversation streams to hold open, each on its own conversation")
	perConn := fs.Int("streams-per-conn", 200, "streams sharing one HTTP/2 connection (below the server's limit of 250)")
	opening := fs.Int("open-concurrency", 200, "streams being opened at once")
	messages := fs.Int("messages", 500, "messages sent to a spread of the watched conversations")
	rate := fs.Float64("send-rate", 50, "messages sent per second")
	serverPID := fs.Int("server-pid", 0, "the watched replica's process id, to report its memory (0 skips it)")
	settle := fs.Duration("settle", 3*time.Second, "wait after opening the streams before reading the server's memory")
	gzip := fs.Bool("gzip", true, "accept gzip-compressed responses, as the generated clients do by default")
	wait := fs.Duration("delivery-timeout", 5*time.Second, "how long to wait for deliveries after the last send")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *siteKey == "" || *n < 1 || *perConn < 1 || *opening < 1 || *messages < 0 || *rate <= 0 {
		return fmt.Errorf("watch needs -site-key and positive -streams, -streams-per-conn, -open-concurrency and -send-rate")
	}
	sendAddr := *addr
	if *addr2 != "" {
		sendAddr = *addr2
	}
	for _, a := range []string{*addr, sendAddr} {
		if err := checkLoopback(a); err != nil {
			return err
		}
	}
	visitors, err := startConversations(ctx, *addr, *siteKey, *n, 32)
	if err != nil {
		return err
	}
	rssBefore := readRSS(*serverPID)

	watchCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	p := newProbes(*messages)
	var ready, ended sync.WaitGroup
	var failed atomic.Int64
	var firstFailure atomic.Value
	slots := make(chan struct{}, *opening)
	var clients []tandemv1connect.ConversationServiceClient
	began := time.Now()
	for i, v := range visitors {
		if i%*perConn == 0 {
			// A client of its own is an HTTP/2 connection of its own.
			clients = append(clients, tandemv1connect.NewConversationServiceClient(tandemclient.HTTPClient(), *addr, clientOptions(*gzip)...))
		}
		client := clients[len(clients)-1]
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		ready.Add(1)
		ended.Go(func() {
			err := watch(watchCtx, client, v, p, func() { ready.Done(); <-slots })
			if err != nil && watchCtx.Err() == nil {
				failed.Add(1)
				firstFailure.CompareAndSwap(nil, err.Error())
			}
		})
	}
	ready.Wait()
	opened := time.Since(began)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Printf("streams: %d opened in %s over %d connections (%d failed", *n, opened.Round(time.Millisecond), len(clients), failed.Load())
	if f := firstFailure.Load(); f != nil {
		fmt.Printf("; the first: %s", f)
	}
	fmt.Println(")")
	sleepUntil(ctx, time.Now().Add(*settle))
	rssOpen := readRSS(*serverPID)
	if *serverPID > 0 {
		fmt.Printf("server memory (VmRSS of pid %d): %d KiB before the streams, %d KiB with them: %.1f KiB per stream\n",
			*serverPID, rssBefore, rssOpen, float64(rssOpen-rssBefore)/float64(*n))
	}

	sendProbes(ctx, tandemclient.New(sendAddr, "", clientOptions(*gzip)...).Conversations, visitors, p, *rate)
	deadline := time.Now().Add(*wait)
	for time.Now().Before(deadline) && ctx.Err() == nil && p.undelivered() > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	via := "the same replica"
	if *addr2 != "" {
		via = "another replica (" + *addr2 + ")"
	}
	p.report(via)
	if *serverPID > 0 {
		fmt.Printf("server memory after the messages: %d KiB\n", readRSS(*serverPID))
	}
	fmt.Printf("streams that ended early: %d\n", failed.Load())
	stopStreams()
	ended.Wait()
	return nil
}

// watch holds one WatchConversation stream of visitor v open until ctx ends, replaying
// the conversation from the start; it calls opened once the replay is through (or the
// stream fails before), and records the arrival of probe messages in p.
func watch(ctx context.Context, client tandemv1connect.ConversationServiceClient, v visitor, p *probes, opened func()) error {
	once := sync.OnceFunc(opened)
	defer once()
	req := connect.NewRequest(&tandemv1.WatchConversationRequest{ConversationId: v.conversationID})
	req.Header().Set("Authorization", "Bearer "+v.token)
	stream, err := client.WatchConversation(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	for stream.Receive() {
		e := stream.Msg().GetEvent()
		if e == nil {
			continue
		}
		if e.GetSequence() >= v.lastSequence {
			once()
		}
		if m := e.GetMessage(); m.GetAuthor() == tandemv1.Author_AUTHOR_VISITOR {
			if k, ok := parseProbe(m.GetText()); ok && k < len(p.delivered) {
				p.delivered[k].CompareAndSwap(0, time.Now().UnixNano())
			}
		}
	}
	return stream.Err()
}

// sendProbes sends len(p.sent) messages at rate per second, without waiting for one to
// finish before the next, each to a different conversation spread over visitors.
func sendProbes(ctx context.Context, client tandemv1connect.ConversationServiceClient, visitors []visitor, p *probes, rate float64) {
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	m := len(p.sent)
	fmt.Fprintf(os.Stderr, "sending %d messages at %.0f/s\n", m, rate)
	for k := range m {
		if k > 0 {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
		v := visitors[k*len(visitors)/m]
		wg.Go(func() {
			p.sent[k].Store(time.Now().UnixNano())
			callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := sendTurn(callCtx, client, v, uuid.NewString(), probeText(k)); err != nil {
				fmt.Fprintf(os.Stderr, "  message %d: %v\n", k, err)
				return
			}
			p.returned[k].Store(time.Now().UnixNano())
		})
	}
	wg.Wait()
}

func (p *probes) undelivered() int {
	n := 0
	for k := range p.sent {
		if p.returned[k].Load() != 0 && p.delivered[k].Load() == 0 {
			n++
		}
	}
	return n
}

// report prints the delivery latencies: from sending the message, and from
// SendMessage's response (0 when the event came first).
func (p *probes) report(via string) {
	var fromSend, fromReturn, sendTook []time.Duration
	failed := 0
	for k := range p.sent {
		s, r, d := p.sent[k].Load(), p.returned[k].Load(), p.delivered[k].Load()
		if r == 0 {
			failed++
			continue
		}
		sendTook = append(sendTook, time.Duration(r-s))
		if d != 0 {
			fromSend = append(fromSend, time.Duration(d-s))
			fromReturn = append(fromReturn, max(time.Duration(d-r), 0))
		}
	}
	fromSend, fromReturn, sendTook = sortedCopy(fromSend), sortedCopy(fromReturn), sortedCopy(sendTook)
	fmt.Printf("messages sent through %s: %d (%d failed), delivered: %d, lost: %d\n",
		via, len(p.sent), failed, len(fromSend), len(sendTook)-len(fromSend))
	fmt.Printf("SendMessage:                    p50 %s ms  p99 %s ms\n", ms(percentile(sendTook, 0.5)), ms(percentile(sendTook, 0.99)))
	fmt.Printf("delivery from sending:          p50 %s ms  p99 %s ms  max %s ms\n",
		ms(percentile(fromSend, 0.5)), ms(percentile(fromSend, 0.99)), ms(percentile(fromSend, 1)))
	fmt.Printf("delivery after the response:    p50 %s ms  p99 %s ms  max %s ms\n",
		ms(percentile(fromReturn, 0.5)), ms(percentile(fromReturn, 0.99)), ms(percentile(fromReturn, 1)))
}

// readRSS returns pid's resident memory in KiB; 0 when pid is 0 or unreadable.
func readRSS(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	kib, err := rssKiB(pid)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandemload:", err)
	}
	return kib
}
