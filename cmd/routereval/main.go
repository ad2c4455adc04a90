// Command routereval evaluates the offline router on the held-out split of its corpus
// (server/router/corpus/utterances.tsv): per-class precision, recall and F1, overall
// accuracy, the confusion matrix (rows are the true class, columns the predicted one),
// and the accuracy and coverage of the decisions at or above router.MinConfidence and
// other thresholds. With -errors it also lists the misclassified utterances.
//
//	go run ./cmd/routereval [-errors]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tandemhq/tandem/server/router"
)

func main() {
	showErrors := flag.Bool("errors", false, "list the misclassified held-out utterances")
	flag.Parse()
	if err := run(os.Stdout, *showErrors); err != nil {
		fmt.Fprintln(os.Stderr, "routereval:", err)
		os.Exit(1)
	}
}

// result is one held-out utterance with the router's decision.
type result struct {
	example  router.Example
	decision router.Decision
}

func run(out io.Writer, showErrors bool) error {
	train, test, err := router.LoadCorpus()
	if err != nil {
		return err
	}
	start := time.Now()
	c := router.Train(train)
	trainTime := time.Since(start)

	labels := c.Labels()
	class := map[string]int{}
	for i, l := range labels {
		class[l] = i
	}
	confusion := make([][]int, len(labels))
	for i := range confusion {
		confusion[i] = make([]int, len(labels))
	}
	results := make([]result, len(test))
	correct := 0
	for i, ex := range test {
		t, ok := class[ex.Label]
		if !ok {
			return fmt.Errorf("test label %q is not in the train split", ex.Label)
		}
		d := c.Classify(ex.Text)
		results[i] = result{ex, d}
		confusion[t][class[d.Label]]++
		if d.Label == ex.Label {
			correct++
		}
	}

	fmt.Fprintf(out, "corpus: %d train, %d held-out utterances, %d classes; trained in %v\n\n",
		len(train), len(test), len(labels), trainTime.Round(time.Millisecond))

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tprecision\trecall\tF1\tsupport\t")
	for i, l := range labels {
		tp, predicted, actual := confusion[i][i], 0, 0
		for j := range labels {
			predicted += confusion[j][i]
			actual += confusion[i][j]
		}
		p, r := ratio(tp, predicted), ratio(tp, actual)
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t\n", l, p, r, f1, actual)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\naccuracy: %.3f (%d/%d)\n\n", ratio(correct, len(test)), correct, len(test))

	fmt.Fprintln(out, "confusion matrix (rows: true class, columns: predicted):")
	tw = tabwriter.NewWriter(out, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for i := range labels {
		fmt.Fprintf(tw, "%d\t", i)
	}
	fmt.Fprintln(tw)
	for i, l := range labels {
		fmt.Fprintf(tw, "%d %s\t", i, l)
		for j := range labels {
			if confusion[i][j] == 0 {
				fmt.Fprint(tw, ".\t")
			} else {
				fmt.Fprintf(tw, "%d\t", confusion[i][j])
			}
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nconfidence thresholds (router.MinConfidence = %.2f):\n", router.MinConfidence)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "threshold\tcoverage\taccuracy above\taccuracy below\t")
	thresholds := []float32{0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	if !slices.Contains(thresholds, router.MinConfidence) {
		thresholds = append(thresholds, router.MinConfidence)
		slices.Sort(thresholds)
	}
	for _, th := range thresholds {
		var above, aboveOK, below, belowOK int
		for _, r := range results {
			ok := r.decision.Label == r.example.Label
			if r.decision.Confidence >= th {
				above++
				if ok {
					aboveOK++
				}
			} else {
				below++
				if ok {
					belowOK++
				}
			}
		}
		mark := ""
		if th == router.MinConfidence {
			mark = " *"
		}
		fmt.Fprintf(tw, "%.2f%s\t%.3f\t%.3f\t%.3f\t\n", th, mark,
			ratio(above, len(results)), ratio(aboveOK, above), ratio(belowOK, below))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if showErrors {
		fmt.Fprintln(out, "\nmisclassified:")
		for _, r := range results {
			if r.decision.Label != r.example.Label {
				fmt.Fprintf(out, "  %-24s -> %-24s %.2f  %s\n", r.example.Label,
					r.decision.Label, r.decision.Confidence, strings.TrimSpace(r.example.Text))
			}
		}
	}
	return nil
}

// ratio is n/d, or 0 when d is 0.
func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}
