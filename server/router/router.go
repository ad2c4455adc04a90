// Package router is the offline intent router: it classifies a visitor message into one
// of the eight skills, "wants a human" (LabelHuman) or "none of these" (LabelNone), with
// a confidence, so the agent can pick the skill for every turn.
//
// The classifier is a multinomial logistic regression over hashed sparse features of the
// lowercased message: word unigrams and bigrams (stopwords dropped) and character
// 3- and 4-grams within words, which keep typos ("wher is my ordr") close to their
// correct spelling. It is trained at start-up, in a few milliseconds, from the labelled corpus
// embedded from corpus/utterances.tsv; every fifth utterance of each class is held out
// for evaluation (see LoadCorpus and cmd/routereval).
//
// Classify never changes its answer because it is unsure: the caller compares
// Decision.Confidence with MinConfidence and does not act on a label below it.
package router

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
)

// The labels that are not skills; the other eight labels are the domain.SkillID values.
const (
	// LabelHuman means the visitor asks for a person.
	LabelHuman = "human"
	// LabelNone means the message is none of the skills' business: greetings alone,
	// gibberish, off-topic questions, job applications, partnership offers.
	LabelNone = "none"
)

// MinConfidence is the confidence below which a caller should not trust a label and
// should treat the message as not understood (ask again or offer a person), as it does
// LabelNone.
//
// It was chosen on the held-out split with `go run ./cmd/routereval`, which prints the
// coverage and the accuracy of the decisions at or above each candidate threshold. At
// 0.5 the router keeps 93% of the held-out decisions and their accuracy rises from 0.91
// to 0.94, while barely half of the decisions below it are right; 0.6 costs three more
// points of coverage for under half a point of accuracy.
const MinConfidence float32 = 0.5

// Scored is one label with its confidence.
type Scored struct {
	// Label is a skill id, LabelHuman or LabelNone.
	Label string
	// Confidence is the softmax probability of the label, in [0, 1].
	Confidence float32
}

// Decision is the router's answer for one message.
type Decision struct {
	// Label is the most probable label.
	Label string
	// Confidence is its probability, in [0, 1]; compare it with MinConfidence.
	Confidence float32
	// Alternatives are the next three labels, most probable first.
	Alternatives []Scored
}

// Example is one labelled utterance.
type Example struct {
	// Label is the class of the utterance.
	Label string
	// Text is what the visitor wrote.
	Text string
}

// Classifier is a trained router. It is safe for concurrent use.
type Classifier struct {
	labels []string
	// index maps a feature hash to its row in weights.
	index map[uint64]int32
	// weights holds one row of len(labels) weights per feature.
	weights []float32
	bias    []float32
}

// Feature kinds and their weights. Character n-grams are many per word, so each counts
// less than a whole word.
const (
	kindWord   = 0x9e3779b97f4a7c15
	kindBigram = 0xc2b2ae3d27d4eb4f
	kindChar   = 0x165667b19e3779f9

	weightWord   = 1.0
	weightBigram = 0.4
	weightChar   = 0.5
)

// numToken stands for any number, so "#1042" and "order 2231" share a feature.
const numToken = "<num>"

// stopwords are words too common to tell classes apart. Words like "where", "how",
// "my" or "can" are kept: they do carry intent.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "and": true, "or": true,
	"in": true, "on": true, "at": true, "is": true, "are": true, "was": true, "be": true,
	"it": true, "its": true, "this": true, "that": true, "i": true, "im": true, "me": true,
	"you": true, "your": true, "u": true, "we": true, "our": true, "for": true,
	"with": true, "just": true, "so": true, "am": true, "ive": true, "id": true,
}

// Train fits a classifier on the examples, which must not be empty. Labels are ordered
// as they first appear. Training is deterministic: the same examples give the same
// classifier.
func Train(examples []Example) *Classifier {
	c := &Classifier{index: map[uint64]int32{}}
	classOf := map[string]int{}
	for _, ex := range examples {
		if _, ok := classOf[ex.Label]; !ok {
			classOf[ex.Label] = len(c.labels)
			c.labels = append(c.labels, ex.Label)
		}
	}
	k := len(c.labels)

	type sample struct {
		class int
		rows  []int32
		vals  []float32
	}
	samples := make([]sample, len(examples))
	for i, ex := range examples {
		s := sample{class: classOf[ex.Label]}
		var norm float32
		features(ex.Text, func(h uint64, v float32) {
			row, ok := c.index[h]
			if !ok {
				row = int32(len(c.index))
				c.index[h] = row
			}
			s.rows = append(s.rows, row)
			s.vals = append(s.vals, v)
			norm += v * v
		})
		if norm > 0 {
			inv := 1 / float32(math.Sqrt(float64(norm)))
			for j := range s.vals {
				s.vals[j] *= inv
			}
		}
		samples[i] = s
	}
	c.weights = make([]float32, len(c.index)*k)
	c.bias = make([]float32, k)

	// Stochastic gradient descent on the cross-entropy, in a fixed shuffled order.
	const epochs = 30
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	probs := make([]float32, k)
	for epoch := range epochs {
		rate := float32(3 / (1 + 0.1*float64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			s := samples[i]
			copy(probs, c.bias)
			for j, row := range s.rows {
				w := c.weights[int(row)*k : int(row)*k+k]
				for y := range probs {
					probs[y] += s.vals[j] * w[y]
				}
			}
			softmax(probs)
			probs[s.class]--
			for y := range probs {
				c.bias[y] -= rate * probs[y]
			}
			for j, row := range s.rows {
				w := c.weights[int(row)*k : int(row)*k+k]
				for y := range probs {
					w[y] -= rate * probs[y] * s.vals[j]
				}
			}
		}
	}
	return c
}

// Labels returns the classifier's labels in training order.
func (c *Classifier) Labels() []string {
	return append([]string(nil), c.labels...)
}

// Classify returns the most probable label for one message on its own.
func (c *Classifier) Classify(text string) Decision {
	var buf [stackLabels]float32
	p := c.probabilities(text, scratch(&buf, len(c.labels)))
	return c.decide(p)
}

// ClassifyInContext classifies a message in the light of the visitor's previous
// messages in the conversation (oldest first; only the last three count). A message
// that is confident on its own and does not read as a follow-up is classified alone,
// so a new topic switches skill. A follow-up ("and how long does that take?", "what
// about the blue one?") or an unsure message is blended with the topic of the previous
// messages, so it keeps that topic unless it is much surer of another.
func (c *Classifier) ClassifyInContext(text string, previous []string) Decision {
	const (
		contextMessages = 3
		// followUpWeight is the weight of a follow-up itself against its context.
		followUpWeight = 0.35
	)
	k := len(c.labels)
	var buf, ctxBuf, prevBuf [stackLabels]float32
	p := c.probabilities(text, scratch(&buf, k))
	conf := maxOf(p)
	follow := IsFollowUp(text)
	if len(previous) == 0 || (!follow && conf >= MinConfidence) {
		return c.decide(p)
	}
	// The context is the previous messages' probabilities, each counting half as much
	// as the one after it.
	ctx := scratch(&ctxBuf, k)
	decay, total := float32(1), float32(0)
	for i := len(previous) - 1; i >= 0 && i >= len(previous)-contextMessages; i-- {
		q := c.probabilities(previous[i], scratch(&prevBuf, k))
		for y := range ctx {
			ctx[y] += decay * q[y]
		}
		total += decay
		decay /= 2
	}
	// An unsure message leans on the context as much as it is unsure.
	own := conf
	if follow {
		own = followUpWeight
	}
	for y := range p {
		p[y] = own*p[y] + (1-own)*ctx[y]/total
	}
	return c.decide(p)
}

// stackLabels is how many labels fit the fixed-size scratch arrays of Classify; a
// classifier with more labels uses the heap.
const stackLabels = 16

// scratch returns k zeroed floats, in buf when they fit.
func scratch(buf *[stackLabels]float32, k int) []float32 {
	if k > stackLabels {
		return make([]float32, k)
	}
	s := buf[:k]
	clear(s)
	return s
}

// probabilities fills p, one entry per label, with the label probabilities of text.
func (c *Classifier) probabilities(text string, p []float32) []float32 {
	k := len(c.labels)
	var norm float32
	features(text, func(h uint64, v float32) {
		norm += v * v
		row, ok := c.index[h]
		if !ok {
			return
		}
		w := c.weights[int(row)*k : int(row)*k+k]
		for y := range p {
			p[y] += v * w[y]
		}
	})
	// Features are scaled to unit length, as in training; features never seen in
	// training count in the length, so unknown words lower the confidence.
	if norm > 0 {
		inv := 1 / float32(math.Sqrt(float64(norm)))
		for y := range p {
			p[y] *= inv
		}
	}
	for y := range p {
		p[y] += c.bias[y]
	}
	softmax(p)
	return p
}

// decide turns a probability vector into a Decision with the three runners-up.
func (c *Classifier) decide(p []float32) Decision {
	const alternatives = 3
	var ranked [alternatives + 1]int
	n := min(len(ranked), len(p))
	// Selection of the n most probable labels; ties keep label order.
	for r := range n {
		best := -1
		for y := range p {
			if slices.Contains(ranked[:r], y) {
				continue
			}
			if best < 0 || p[y] > p[best] {
				best = y
			}
		}
		ranked[r] = best
	}
	d := Decision{Label: c.labels[ranked[0]], Confidence: p[ranked[0]]}
	if n > 1 {
		d.Alternatives = make([]Scored, n-1)
		for i, y := range ranked[1:n] {
			d.Alternatives[i] = Scored{Label: c.labels[y], Confidence: p[y]}
		}
	}
	return d
}

// softmax turns scores into probabilities in place.
func softmax(s []float32) {
	m := maxOf(s)
	var sum float32
	for i, v := range s {
		e := float32(math.Exp(float64(v - m)))
		s[i] = e
		sum += e
	}
	for i := range s {
		s[i] /= sum
	}
}

func maxOf(s []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// features calls emit for every feature of text: word unigrams and bigrams of the
// words that are not stopwords, and the character 3- and 4-grams of each such word with
// its boundaries marked. Numbers become numToken. Features are 64-bit hashes.
func features(text string, emit func(hash uint64, value float32)) {
	var buf [64]byte
	var prev uint64
	havePrev := false
	for i := 0; i < len(text); {
		var w []byte
		w, i = nextWord(text, i, buf[:0])
		if len(w) == 0 || stopwords[string(w)] {
			continue
		}
		if isNumber(w) {
			w = []byte(numToken)
		} else if n := len(w); n > 3 && w[n-1] == 's' && w[n-2] != 's' {
			w = w[:n-1] // A crude plural stemmer: "boots" is "boot".
		}
		h := hashBytes(kindWord, w)
		emit(h, weightWord)
		if havePrev {
			emit(mix(prev*31+h, kindBigram), weightBigram)
		}
		prev, havePrev = h, true
		if string(w) == numToken {
			continue
		}
		// Character 3- and 4-grams of "^word$".
		var g [4]byte
		n := len(w) + 2
		for size := 3; size <= 4; size++ {
			for start := 0; start+size <= n; start++ {
				for j := range size {
					switch at := start + j; {
					case at == 0:
						g[j] = '^'
					case at == n-1:
						g[j] = '$'
					default:
						g[j] = w[at-1]
					}
				}
				emit(hashBytes(kindChar, g[:size]), weightChar)
			}
		}
	}
}

// nextWord writes into buf the first word of text at or after byte i, lowercased, and
// returns it with the index where the search for the next word resumes; the word is
// empty when there is none. A word is a run of ASCII letters and digits and non-ASCII
// bytes; apostrophes inside a word are dropped ("where's" is "wheres").
func nextWord(text string, i int, buf []byte) (word []byte, next int) {
	w := buf[:0]
	for ; i < len(text); i++ {
		b := text[i]
		switch {
		case b >= 'A' && b <= 'Z':
			w = append(w, b+('a'-'A'))
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
			w = append(w, b)
		case b == '\'':
			// Dropped: joins the two halves of a contraction.
		case b == 0xe2 && strings.HasPrefix(text[i:], "\u2019"):
			i += len("\u2019") - 1
		case b >= 0x80:
			w = append(w, b)
		default:
			if len(w) > 0 {
				return w, i + 1
			}
		}
	}
	return w, i
}

// isNumber reports whether w is all digits.
func isNumber(w []byte) bool {
	for _, b := range w {
		if b < '0' || b > '9' {
			return false
		}
	}
	return true
}

// followRefs are words that point back at something said before.
var followRefs = map[string]bool{
	"it": true, "that": true, "this": true, "those": true, "these": true, "them": true,
	"they": true, "one": true, "ones": true,
}

// IsFollowUp reports whether a short message reads as a follow-up to the previous one:
// it opens with "and", "also", "what about", "how about", "what if", or refers back
// with "it", "that", "the blue one"….
func IsFollowUp(text string) bool {
	const maxWords = 8
	var buf [64]byte
	var first, second [8]byte
	var firstN, secondN int
	n, ref := 0, false
	for i := 0; i < len(text); {
		var w []byte
		w, i = nextWord(text, i, buf[:0])
		if len(w) == 0 {
			continue
		}
		switch n {
		case 0:
			firstN = copy(first[:], w)
		case 1:
			secondN = copy(second[:], w)
		}
		n++
		ref = ref || followRefs[string(w)]
	}
	if n == 0 || n > maxWords {
		return false
	}
	switch w1, w2 := string(first[:firstN]), string(second[:secondN]); {
	case w1 == "and" || w1 == "also":
		return true
	case (w1 == "what" || w1 == "how") && w2 == "about", w1 == "what" && w2 == "if":
		return true
	}
	return ref
}

// The 64-bit FNV-1a parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashBytes is FNV-1a of b, seeded by kind, finished with mix.
func hashBytes(kind uint64, b []byte) uint64 {
	h := uint64(fnvOffset) ^ kind
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return mix(h, kind)
}

// mix is the splitmix64 finaliser of h xor seed.
func mix(h, seed uint64) uint64 {
	h ^= seed
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

//go:embed corpus/utterances.tsv
var corpus []byte

// holdOutEvery puts every holdOutEvery-th utterance of each class (by its position
// among that class's lines) in the test split.
const holdOutEvery = 5

// LoadCorpus parses the embedded corpus, lines of "label<TAB>text" ('#' starts a comment
// line), and splits it deterministically: the 5th, 10th, 15th… utterance of each class
// is held out for testing, the rest is for training.
func LoadCorpus() (train, test []Example, err error) {
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(corpus))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		label, text, ok := strings.Cut(s, "\t")
		label, text = strings.TrimSpace(label), strings.TrimSpace(text)
		if !ok || label == "" || text == "" {
			return nil, nil, fmt.Errorf("router corpus line %d: want label<TAB>text, got %q", line, s)
		}
		seen[label]++
		ex := Example{Label: label, Text: text}
		if seen[label]%holdOutEvery == 0 {
			test = append(test, ex)
		} else {
			train = append(train, ex)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("router corpus: %w", err)
	}
	return train, test, nil
}

// Default returns the classifier trained on the train split of the embedded corpus. It
// is trained on first use and shared afterwards.
func Default() *Classifier {
	return defaultClassifier()
}

var defaultClassifier = sync.OnceValue(func() *Classifier {
	train, _, err := LoadCorpus()
	if err != nil {
		panic(err) // The corpus is embedded and checked by the tests.
	}
	return Train(train)
})
