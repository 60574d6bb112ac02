package simulator

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// The recogniser reads a line as a sequence of sentences, each cut into
// pieces at commas and at the conjunctions that join two things said
// (and, but, then, while). Every word is lower-cased, its contraction
// expanded, its spelling mapped to one British form, stemmed (Snowball
// English) and mapped to a synonym group, then marked when it sits in the
// scope of a negation ("don't use the lift": not_use, not_lift) or of a
// condition ("if it gets worse": if_get, if_wors), which counts it for
// less. Examples and lines go
// through the same steps, so the model compares like with like.

// maxLineBytes bounds the text the recogniser reads; the rest of a longer
// line is ignored. maxSentences bounds the sentences it scores.
const (
	maxLineBytes = 2000
	maxSentences = 24
)

// word is one normalised word of a line.
type word struct {
	raw  string // the word after contraction, spelling and typo mapping
	stem string // its stem after synonym mapping
	mark byte   // 0, 'n' (negated) or 'h' (hypothetical)
}

// key is the word's model feature: its stem, marked when negated. A word
// in a condition's scope has the same key and counts less (see count).
func (w word) key() string {
	if w.mark == 'n' {
		return "not_" + w.stem
	}
	return w.stem
}

// feature is how explain shows the word: its stem with its scope mark.
func (w word) feature() string {
	switch w.mark {
	case 'n':
		return "not_" + w.stem
	case 'h':
		return "if_" + w.stem
	}
	return w.stem
}

// sentence is one sentence of a line, cut into pieces.
type sentence struct {
	pieces   [][]word
	question bool
	text     string // the sentence as typed, for explain
}

// analysis is a line read for the model.
type analysis struct {
	sentences []sentence
}

// contractions expands the shortened forms people type, with and without
// the apostrophe where the bare form is not an ordinary word.
var contractions = map[string]string{
	"don't": "do not", "dont": "do not", "doesn't": "does not", "doesnt": "does not",
	"didn't": "did not", "didnt": "did not", "can't": "can not", "cant": "can not",
	"cannot": "can not", "won't": "will not", "isn't": "is not", "isnt": "is not",
	"aren't": "are not", "arent": "are not", "wasn't": "was not", "wasnt": "was not",
	"weren't": "were not", "haven't": "have not", "havent": "have not", "hasn't": "has not",
	"hasnt": "has not", "couldn't": "could not", "couldnt": "could not",
	"shouldn't": "should not", "shouldnt": "should not", "wouldn't": "would not",
	"wouldnt": "would not", "mustn't": "must not", "mustnt": "must not", "needn't": "need not",
	"shan't": "shall not", "ain't": "is not",
	"i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'll": "i will",
	"i'd": "i would", "you're": "you are", "youre": "you are", "you've": "you have",
	"youve": "you have", "you'll": "you will", "youll": "you will", "you'd": "you would",
	"we're": "we are", "we've": "we have", "weve": "we have", "we'll": "we will",
	"we'd": "we would", "they're": "they are", "theyre": "they are", "they've": "they have",
	"theyve": "they have", "they'll": "they will", "theyll": "they will", "they'd": "they would",
	"it's": "it is", "it'll": "it will", "itll": "it will", "that's": "that is", "thats": "that is",
	"what's": "what is", "whats": "what is", "where's": "where is", "wheres": "where is",
	"who's": "who is", "whos": "who is", "how's": "how is", "hows": "how is",
	"there's": "there is", "theres": "there is", "here's": "here is", "heres": "here is",
	"he's": "he is", "she's": "she is", "he'll": "he will", "she'll": "she will",
	"let's": "let us", "gonna": "going to", "wanna": "want to", "gotta": "got to",
	"y'all": "you", "ya": "you", "u": "you", "ur": "your", "pls": "please", "plz": "please",
	"thx": "thanks", "ok": "okay", "k": "okay", "'em": "them",
}

// spellings maps American spellings, variants and common typos to one form.
// Words the stemmer already unifies (apologize, apologise) are not listed.
var spellings = map[string]string{
	"color": "colour", "neighbor": "neighbour", "neighbors": "neighbours", "center": "centre",
	"organization": "organisation", "realize": "realise", "recognize": "recognise",
	"elevator": "lift", "elevators": "lift", "apartment": "flat", "apartments": "flats",
	"cellphone": "mobile", "cell": "mobile", "zipcode": "postcode", "zip": "post",
	"gray": "grey", "mom": "mum", "favor": "favour", "license": "licence", "tire": "tyre",
	"adress": "address", "addres": "address", "adresss": "address", "postocde": "postcode",
	"recieve": "receive", "recieved": "received", "definately": "definitely", "definatly": "definitely",
	"seperate": "separate", "untill": "until", "wierd": "weird", "becuase": "because", "becasue": "because",
	"teh": "the", "hte": "the", "yuo": "you", "yoru": "your", "plaese": "please", "pleas": "please",
	"thier": "their", "woudl": "would", "coudl": "could", "sory": "sorry", "sorrry": "sorry",
	"wiht": "with", "whta": "what", "waht": "what", "wat": "what", "hwo": "how", "wher": "where",
	"nmae": "name", "numbr": "number", "nubmer": "number", "numebr": "number", "tommorow": "tomorrow",
	"tomorow": "tomorrow", "ambulence": "ambulance", "ambulanc": "ambulance", "brething": "breathing",
	"breahting": "breathing", "engneer": "engineer", "enginner": "engineer", "evacaute": "evacuate",
	"buidling": "building", "biulding": "building", "builidng": "building", "windws": "windows",
	"swtich": "switch", "swich": "switch", "minites": "minutes", "minuts": "minutes", "mins": "minutes",
	"min": "minute", "hrs": "hours", "hr": "hour", "secs": "seconds", "sec": "second", "mo": "moment",
	"defibrilator": "defibrillator", "defibulator": "defibrillator", "aed": "defibrillator",
	"defib": "defibrillator", "cpr": "compressions", "4g": "mobile data", "wifi": "internet",
	"wi-fi": "internet", "e-mail": "email", "okey": "okay", "alright": "all right", "thankyou": "thank you",
	"goodbye": "bye", "bye-bye": "bye", "hiya": "hello", "hi": "hello", "hey": "hello", "hallo": "hello",
}

// synonyms maps stems to the stem of their group, so an example's word
// stands for its group. Groups are words a caller would hear as the same.
var synonyms = map[string]string{
	"ring": "call", "phone": "call", "telephon": "call", "rang": "call",
	"grab": "get", "take": "get", "took": "get", "have": "get", "pop": "put", "stick": "put",
	"kid": "child", "children": "child", "youngster": "child", "littl": "child",
	"block": "build", "hous": "build", "properti": "build", "home": "build", "flat": "build", "premis": "build",
	"paramed": "ambul", "crew": "ambul", "engin": "ambul", "firefight": "ambul", "brigad": "ambul", "technician": "ambul", "offic": "ambul",
	"whereabout": "where", "postcod": "address",
	"tick": "moment", "jiffy": "moment",
	"apolog": "sorri",
	"mate":   "", "love": "", "hun": "", "darl": "", "sir": "", "madam": "",
	"um": "", "er": "", "erm": "", "uh": "", "the": "", "a": "", "an": "", "just": "", "realli": "", "pleas": "",
	"cylind": "cylind", "tank": "cylind", "bottl": "cylind",
	"defibril": "defibril",
	"tablet":   "pill", "medic": "pill", "medicin": "pill",
	"supplier": "suppli", "provid": "suppli", "compani": "suppli", "firm": "suppli",
	"repair": "fix", "mend": "fix",
	"agre": "approv", "authoris": "approv",
	"dispatch": "send", "dial": "call", "exit": "leav",
	"frighten": "scare", "panic": "worri",
	"brilliant": "great", "amaz": "great", "fantast": "great", "excel": "great",
	"broadband": "internet", "connect": "internet",
	"tether": "hotspot", "dongl": "hotspot",
	"compens": "credit",
	"polic":   "ambul",
	"immedi":  "now", "asap": "now",
	"cheer":  "thank",
	"surnam": "name", "forenam": "name",
	"road": "street", "avenu": "street", "lane": "street",
	"anim": "pet", "dog": "pet", "cat": "pet",
}

// numberWords are read as a number.
var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "fifteen": true,
	"twenty": true, "thirty": true, "forty": true, "fifty": true, "sixty": true, "hundred": true,
	"half": true, "couple": true, "few": true,
}

// negators open a negation scope; conditions open a hypothetical one.
// Both last to the end of the piece.
var negators = map[string]bool{"not": true, "no": true, "never": true, "without": true, "nobody": true, "nothing": true, "nor": true}
var conditions = map[string]bool{"if": true, "unless": true, "incase": true, "whether": true, "while": true, "whilst": true}

// knowing are the stems after which "if" or "whether" asks rather than
// supposes.
var knowing = map[string]bool{"know": true, "see": true, "check": true, "wonder": true, "tell": true, "ask": true, "sure": true, "find": true}

// scopeEnds end a hypothetical scope inside a piece: "if we get cut off
// what number..." asks the question whatever the condition.
var scopeEnds = map[string]bool{"what": true, "where": true, "which": true, "who": true, "how": true, "then": true, "pleas": true}

// subjects end a hypothetical scope when they are not its first word: "if
// he stops breathing you'll need to..." supposes up to "you".
var subjects = map[string]bool{"i": true, "you": true, "we": true, "they": true, "he": true, "she": true}

// joiners cut a sentence into pieces.
var joiners = map[string]bool{"and": true, "but": true, "then": true, "while": true, "whilst": true, "incase": true}

// questionStarts make a sentence a question when it starts with them
// (the sentence need not end in "?").
var questionStarts = map[string]bool{
	"what": true, "where": true, "when": true, "which": true, "who": true, "whose": true, "how": true,
	"why": true, "can": true, "could": true, "is": true, "are": true, "do": true, "does": true,
	"did": true, "have": true, "has": true, "was": true, "were": true, "would": true, "will": true, "any": true,
	"anyone": true, "anybody": true, "whereabouts": true, "may": true,
}

// stemmer turns words into stems. Examples' words are stemmed once at load
// and kept in the known map, which lines then read without locking; words
// only lines contain are stemmed each time.
type stemmer struct {
	known map[string]string
	fill  bool // remember new words (while examples are read, never for lines)
}

func (s *stemmer) stem(w string) string {
	if st, ok := s.known[w]; ok {
		return st
	}
	if s.fill {
		st := stemWord(w)
		s.known[w] = st
		return st
	}
	return lineStem(w)
}

// lineStems remembers the stems of words that lines had and no example
// has (stemWord depends on the word alone), at most maxLineStems words of
// at most maxLineStemBytes: trainees use the same words again.
var (
	lineStems     sync.Map // word -> stem
	lineStemsSize atomic.Int64
)

const (
	maxLineStems     = 20_000
	maxLineStemBytes = 24
)

func lineStem(w string) string {
	if len(w) > maxLineStemBytes {
		return stemWord(w)
	}
	if st, ok := lineStems.Load(w); ok {
		return st.(string)
	}
	st := stemWord(w)
	if lineStemsSize.Load() < maxLineStems {
		// A word of the line's own memory, so the map keeps no line alive.
		if _, loaded := lineStems.LoadOrStore(strings.Clone(w), strings.Clone(st)); !loaded {
			lineStemsSize.Add(1)
		}
	}
	return st
}

func stemWord(w string) string {
	if strings.HasPrefix(w, "#") {
		return w
	}
	if len(w) > 0 && w[0] >= '0' && w[0] <= '9' || numberWords[w] {
		return "#num"
	}
	st := english.Stem(w, false)
	if g, ok := synonyms[st]; ok {
		return g
	}
	return st
}

// corrector maps a word the model does not know to one it does (typos),
// or to "#name" when it is capitalised inside a sentence (names of people
// and organisations), or returns it unchanged.
type corrector func(w string, capital bool) string

// analyse reads text.
func analyse(text string, st *stemmer, correct corrector) analysis {
	var b analysisBuf
	return b.analyse(text, st, correct)
}

// analysisBuf holds the memory of analyses, so that line after line is
// read into the same: an analysis it returns is valid until the next.
type analysisBuf struct {
	lex       map[string]*lexWord // the recogniser's lexicon, for its lines
	tmp       lexWord
	sentences []sentence
	pieces    [][]word
	words     []word
}

// analyse reads text into b.
func (b *analysisBuf) analyse(text string, st *stemmer, correct corrector) analysis {
	if len(text) > maxLineBytes {
		text = text[:maxLineBytes]
	}
	b.sentences, b.pieces, b.words = b.sentences[:0], b.pieces[:0], b.words[:0]
	start := 0
	for i := 0; i <= len(text) && len(b.sentences) < maxSentences; i++ {
		if i < len(text) && !isSentenceEnd(text, i) {
			continue
		}
		if s, ok := b.readSentence(text[start:min(i+1, len(text))], st, correct); ok {
			b.sentences = append(b.sentences, s)
		}
		start = i + 1
	}
	var a analysis
	if len(b.sentences) > 0 {
		a.sentences = b.sentences[:len(b.sentences):len(b.sentences)]
	}
	return a
}

// isSentenceEnd reports whether text[i] ends a sentence: . ! ? ; or a
// newline, but not a decimal point or an abbreviation's dot.
func isSentenceEnd(text string, i int) bool {
	switch text[i] {
	case '!', '?', ';', '\n':
		return true
	case '.':
		return i+1 >= len(text) || text[i+1] == ' ' || text[i+1] == '.' || text[i+1] == '\n'
	}
	return false
}

// readSentence normalises one sentence into pieces of words, appending
// them to b.pieces and their words to b.words.
func (b *analysisBuf) readSentence(text string, st *stemmer, correct corrector) (sentence, bool) {
	s := sentence{text: strings.TrimSpace(text)}
	s.question = strings.HasSuffix(strings.TrimRight(s.text, " \"'"), "?")
	var mark byte
	sinceIf := 0 // words since the condition that opened the scope
	first := true
	p0 := len(b.pieces) // the sentence's first piece
	w0 := len(b.words)  // the piece's first word
	flush := func() {
		if n := len(b.words); n > w0 {
			b.pieces = append(b.pieces, b.words[w0:n:n])
		}
		w0, mark = len(b.words), 0
	}
	lower, caps := lowerCase(text)
	if strings.Contains(lower, "in case") {
		// Same length, so caps still lines up.
		lower = strings.ReplaceAll(lower, "in case ", "incase  ")
	}
	var buf [2]string
	for i := 0; i < len(lower); {
		c := lower[i]
		if c == ',' || c == ':' || c == '(' || c == ')' || c == '-' && i+1 < len(lower) && lower[i+1] == ' ' {
			flush()
			i++
			continue
		}
		if c == '{' { // {name} in an example stands for any name
			if j := strings.IndexByte(lower[i:], '}'); j > 0 {
				b.words = append(b.words, word{raw: lower[i : i+j+1], stem: "#name", mark: mark})
				first = false
				i += j + 1
				continue
			}
		}
		if !isWordByte(c) {
			i += skipNonWord(lower, i)
			continue
		}
		capital := !first && (caps == nil && text[i] >= 'A' && text[i] <= 'Z' || caps != nil && caps[i])
		j := i
		for j < len(lower) && (isWordByte(lower[j]) || isApostrophe(lower, j) || isDecimalPoint(lower, j)) {
			if lower[j] == 0xe2 { // ’ is three bytes
				j += 3
			} else {
				j++
			}
		}
		tok := lower[i:j]
		if strings.IndexByte(tok, 0xe2) >= 0 {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "’", "'"), "‘", "'")
		}
		i = j
		tok = strings.Trim(tok, "'")
		if tok == "" {
			continue
		}
		var words []string
		lw0, inLex := b.lex[tok] // the word tok, when a plain word of the lexicon
		if inLex && lw0.plain {
			buf[0] = tok
			words = buf[:1]
		} else {
			words, lw0 = expand(tok, &buf), nil
		}
		if first {
			// "Don't use the lift" starts with do but asks nothing.
			s.question = s.question || questionStarts[words[0]] && !(len(words) > 1 && words[1] == "not")
			first = false
		}
		for _, w := range words {
			if w == "" { // "n't" alone
				continue
			}
			lw := lw0
			switch {
			case lw != nil:
			case w == tok && !inLex: // not in the lexicon: read it
				lw = readWord(&b.tmp, w, capital, st, correct)
			default:
				lw = b.readWord(w, capital, st, correct)
			}
			if lw.joiner {
				flush()
				if !lw.condition {
					continue
				}
			}
			for _, p := range lw.parts { // a mapping may give two words
				if p.negator {
					mark = 'n'
					b.words = append(b.words, word{raw: p.raw, stem: "not"})
					continue
				}
				if p.condition {
					// "Do you know if...", "check whether...": an embedded
					// question, not a condition.
					if n := len(b.words); n == w0 || !knowing[b.words[n-1].stem] {
						mark, sinceIf = 'h', 0
					}
					continue
				}
				if mark == 'h' && (p.scopeEnd || p.subject && sinceIf > 0) {
					mark = 0
				}
				sinceIf++
				if p.stem == "" {
					continue
				}
				b.words = append(b.words, word{raw: p.raw, stem: p.stem, mark: mark})
			}
		}
	}
	flush()
	if n := len(b.pieces); n > p0 {
		s.pieces = b.pieces[p0:n:n]
	}
	return s, len(s.pieces) > 0
}

// lexWord is how a word of a line reads: whether it joins pieces (and
// opens a condition), and the words it is after spelling and typo mapping
// with their stems and roles. A recogniser keeps those of the words that
// read the same capitalised or not (see newLexicon); others are read
// afresh.
type lexWord struct {
	plain     bool // expand gives the word itself
	joiner    bool
	condition bool
	parts     []lexPart
}

type lexPart struct {
	raw, stem string
	negator   bool // opens a negation ("not", "never", "can't"'s "not")
	condition bool
	scopeEnd  bool // its stem ends a condition's scope
	subject   bool // ... when not its first word
}

// readWord reads word w of a line (into b.tmp unless the lexicon has it).
func (b *analysisBuf) readWord(w string, capital bool, st *stemmer, correct corrector) *lexWord {
	if lw, ok := b.lex[w]; ok {
		return lw
	}
	return readWord(&b.tmp, w, capital, st, correct)
}

// readWord reads word w into lw (its parts only when it is not a joiner
// alone).
func readWord(lw *lexWord, w string, capital bool, st *stemmer, correct corrector) *lexWord {
	lw.joiner, lw.condition, lw.parts = joiners[w], conditions[w], lw.parts[:0]
	if lw.joiner && !lw.condition {
		return lw
	}
	if m, ok := spellings[w]; ok {
		w = m
	}
	w = correct(w, capital)
	var parts [1]string
	for _, part := range fields(w, &parts) {
		stem := st.stem(part)
		lw.parts = append(lw.parts, lexPart{
			raw: part, stem: stem,
			negator:   negators[part] || stem == "not",
			condition: conditions[part],
			scopeEnd:  scopeEnds[stem],
			subject:   subjects[stem],
		})
	}
	return lw
}

// newLexicon reads once the words a recogniser's lines will mostly have
// (the examples' words, the function words, the mapped spellings and
// contractions) that read the same capitalised or not: those correct
// leaves as they are.
func newLexicon(vocab map[string]bool, st *stemmer, correct corrector) map[string]*lexWord {
	words := make([]string, 0, len(vocab)+len(spellings)+len(functionWords)+len(joiners)+len(contractions))
	for _, m := range []map[string]bool{vocab, functionWords, joiners, conditions, negators, questionStarts} {
		words = slices.AppendSeq(words, maps.Keys(m))
	}
	words = slices.AppendSeq(words, maps.Keys(spellings))
	for _, e := range contractionWords {
		words = append(words, e...)
	}
	lex := make(map[string]*lexWord, len(words))
	var buf [2]string
	for _, w := range words {
		if _, ok := lex[w]; ok || w == "" {
			continue
		}
		m := w
		if s, ok := spellings[w]; ok {
			m = s
		}
		if correct(m, false) != m || correct(m, true) != m {
			continue // a capital may make it a name
		}
		lw := readWord(new(lexWord), w, false, st, correct)
		e := expand(w, &buf)
		lw.plain = len(e) == 1 && e[0] == w
		lw.parts = slices.Clip(lw.parts)
		lex[w] = lw
	}
	return lex
}

// fields is strings.Fields(w), without allocating for a word of ASCII
// letters without spaces (into buf).
func fields(w string, buf *[1]string) []string {
	if w == "" {
		return nil
	}
	for i := range len(w) {
		if c := w[i]; c >= 0x80 || asciiSpace[c] {
			return strings.Fields(w)
		}
	}
	buf[0] = w
	return buf[:]
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// contractionWords are the contractions' expansions, split into words.
var contractionWords = func() map[string][]string {
	m := make(map[string][]string, len(contractions))
	for k, v := range contractions {
		m[k] = strings.Fields(v)
	}
	return m
}()

// expand splits a token into words, expanding contractions and dropping a
// possessive 's; the words are in buf or shared (never to be written).
func expand(tok string, buf *[2]string) []string {
	if e, ok := contractionWords[tok]; ok {
		return e
	}
	if strings.HasSuffix(tok, "n't") {
		buf[0], buf[1] = strings.TrimSuffix(tok, "n't"), "not"
		return buf[:2]
	}
	for _, suf := range [...]string{"'re", "'ve", "'ll", "'d", "'m", "'s"} {
		if strings.HasSuffix(tok, suf) {
			buf[0] = strings.TrimSuffix(tok, suf)
			return buf[:1]
		}
	}
	buf[0] = tok
	return buf[:1]
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 && c != 0xe2
}

// isApostrophe reports whether text[i] starts an apostrophe inside a word.
func isApostrophe(text string, i int) bool {
	if text[i] == '\'' {
		return true
	}
	return strings.HasPrefix(text[i:], "’") || strings.HasPrefix(text[i:], "‘")
}

// skipNonWord returns how many bytes of punctuation to skip at text[i].
func skipNonWord(text string, i int) int {
	if text[i] == 0xe2 && i+2 < len(text) {
		return 3
	}
	return 1
}

// functionWords carry grammar rather than meaning; their features weigh
// less (functionWeight), so "I am sure" is not near "I am sorry".
var functionWords = map[string]bool{
	"i": true, "you": true, "he": true, "she": true, "it": true, "we": true, "they": true, "me": true,
	"him": true, "her": true, "us": true, "them": true, "my": true, "your": true, "his": true, "our": true,
	"their": true, "am": true, "is": true, "are": true, "was": true, "were": true, "be": true, "been": true,
	"do": true, "doe": true, "did": true, "get": true, "will": true, "would": true, "can": true, "could": true,
	"should": true, "shall": true, "may": true, "might": true, "must": true, "to": true, "of": true, "for": true,
	"on": true, "in": true, "at": true, "by": true, "with": true, "from": true, "that": true, "this": true,
	"there": true, "here": true, "these": true, "those": true, "as": true, "or": true, "and": true,
	"so": true, "some": true, "ani": true, "all": true, "too": true, "veri": true, "now": true, "then": true,
	"up": true, "out": true, "about": true, "what": true, "onli": true, "still": true, "yet": true,
	"#num": true, "okay": true,
}

const functionWeight = 0.75

// pairWeight scales the features of word pairs.
const pairWeight = 0.75

// isDecimalPoint reports whether text[i] is a point between digits (2.5).
func isDecimalPoint(text string, i int) bool {
	return text[i] == '.' && i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lowerCase lower-cases text rune by rune (invalid UTF-8 becomes U+FFFD)
// and marks the byte offsets of the lower-cased text where an ASCII
// capital stood; for ASCII text it returns no marks (the offsets are
// text's: a capital stood where text has one).
func lowerCase(text string) (string, []bool) {
	ascii := true
	for i := range len(text) {
		if text[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(text), nil
	}
	return lowerRunes(text)
}

// lowerRunes is lowerCase for any text, with its marks.
func lowerRunes(text string) (string, []bool) {
	var b strings.Builder
	b.Grow(len(text))
	caps := make([]bool, 0, len(text))
	for _, r := range text {
		n := b.Len()
		b.WriteRune(unicode.ToLower(r))
		for range b.Len() - n {
			caps = append(caps, false)
		}
		if r >= 'A' && r <= 'Z' {
			caps[n] = true
		}
	}
	return b.String(), caps
}
