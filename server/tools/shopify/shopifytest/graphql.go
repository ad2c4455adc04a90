package shopifytest

import (
	"fmt"
	"strings"
	"unicode"
)

// operation is a parsed GraphQL query: its variable definitions and selections.
type operation struct {
	// variables maps each declared variable to its type ("ID!", "Int!", "String").
	variables map[string]string
	// selections are the root fields.
	selections []*field
}

// field is a selected field with its arguments and sub-selections.
type field struct {
	alias, name string
	args        map[string]value
	selections  []*field
}

// key is the field's key in the answer: its alias, else its name.
func (f *field) key() string {
	if f.alias != "" {
		return f.alias
	}
	return f.name
}

// value is an argument's value: a variable reference or a literal.
type value struct {
	variable string // set for $name
	literal  any    // string, int, bool, enum name or nil
}

// resolve returns the value, reading variables from vars.
func (v value) resolve(vars map[string]any) any {
	if v.variable != "" {
		return vars[v.variable]
	}
	return v.literal
}

// parser reads the subset of GraphQL a client sends: one query operation with
// variables, fields, aliases and arguments (no fragments or directives).
type parser struct {
	tokens []string
	pos    int
}

// parseQuery parses a query document.
func parseQuery(src string) (op *operation, err error) {
	tokens, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{tokens: tokens}
	defer func() {
		if r := recover(); r != nil {
			if perr, ok := r.(parseError); ok {
				op, err = nil, perr
				return
			}
			panic(r)
		}
	}()
	op = &operation{variables: map[string]string{}}
	if p.peek() == "query" {
		p.next()
		if p.peek() != "(" && p.peek() != "{" {
			p.name()
		}
		if p.peek() == "(" {
			p.expect("(")
			for p.peek() != ")" {
				p.expect("$")
				name := p.name()
				p.expect(":")
				op.variables[name] = p.typeRef()
				if p.peek() == "=" {
					p.next()
					p.value()
				}
			}
			p.expect(")")
		}
	}
	op.selections = p.selectionSet()
	if p.pos != len(p.tokens) {
		p.fail("unexpected %q after the query", p.peek())
	}
	return op, nil
}

// parseError is a syntax error.
type parseError string

func (e parseError) Error() string { return string(e) }

func (p *parser) fail(format string, args ...any) {
	panic(parseError("syntax error: " + fmt.Sprintf(format, args...)))
}

func (p *parser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if t == "" {
		p.fail("unexpected end of query")
	}
	p.pos++
	return t
}

func (p *parser) expect(t string) {
	if got := p.next(); got != t {
		p.fail("expected %q, got %q", t, got)
	}
}

func (p *parser) name() string {
	t := p.next()
	if !isName(t) {
		p.fail("expected a name, got %q", t)
	}
	return t
}

func (p *parser) typeRef() string {
	var t string
	if p.peek() == "[" {
		p.next()
		t = "[" + p.typeRef() + "]"
		p.expect("]")
	} else {
		t = p.name()
	}
	if p.peek() == "!" {
		p.next()
		t += "!"
	}
	return t
}

func (p *parser) selectionSet() []*field {
	p.expect("{")
	var fields []*field
	for p.peek() != "}" {
		f := &field{name: p.name()}
		if p.peek() == ":" {
			p.next()
			f.alias, f.name = f.name, p.name()
		}
		if p.peek() == "(" {
			p.next()
			f.args = map[string]value{}
			for p.peek() != ")" {
				arg := p.name()
				p.expect(":")
				f.args[arg] = p.value()
			}
			p.expect(")")
		}
		if p.peek() == "{" {
			f.selections = p.selectionSet()
		}
		fields = append(fields, f)
	}
	p.expect("}")
	return fields
}

func (p *parser) value() value {
	t := p.next()
	switch {
	case t == "$":
		return value{variable: p.name()}
	case strings.HasPrefix(t, `"`):
		return value{literal: t[1 : len(t)-1]}
	case t == "true" || t == "false":
		return value{literal: t == "true"}
	case t == "null":
		return value{}
	case isName(t):
		return value{literal: t} // an enum value
	default:
		var n int
		if _, err := fmt.Sscan(t, &n); err != nil {
			p.fail("unsupported value %q", t)
		}
		return value{literal: n}
	}
}

// tokenize splits GraphQL source into names, numbers, strings and punctuators,
// dropping white space, commas and comments.
func tokenize(src string) ([]string, error) {
	var tokens []string
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || r == ',':
			i++
		case r == '#':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case strings.ContainsRune("{}()[]:!$=", r):
			tokens = append(tokens, string(r))
			i++
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				if rs[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("syntax error: unterminated string")
			}
			tokens = append(tokens, string(rs[i:j+1]))
			i = j + 1
		case r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(rs) && (rs[j] == '_' || rs[j] == '-' || rs[j] == '.' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			tokens = append(tokens, string(rs[i:j]))
			i = j
		default:
			return nil, fmt.Errorf("syntax error: unexpected character %q", r)
		}
	}
	return tokens, nil
}

// isName reports whether t is a GraphQL name.
func isName(t string) bool {
	if t == "" || !(t[0] == '_' || unicode.IsLetter(rune(t[0]))) {
		return false
	}
	for _, r := range t {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
