package simulator

// needleSet finds which of a fixed set of strings occur in a text, in one
// pass (Aho-Corasick). The intent matcher uses it to learn, for every line
// the trainee says, which patterns can possibly match.
type needleSet struct {
	class   [256]uint8 // byte -> input class (0: a byte no needle has)
	classes int
	next    []int32   // state*classes + class -> state
	out     [][]int32 // state -> needle ids ending here (including via failure links)
	n       int
}

// newNeedleSet builds the automaton for needles (ids are their indexes).
func newNeedleSet(needles []string) *needleSet {
	ns := &needleSet{n: len(needles)}
	for _, s := range needles {
		for i := 0; i < len(s); i++ {
			if ns.class[s[i]] == 0 {
				ns.classes++
				ns.class[s[i]] = uint8(ns.classes)
			}
		}
	}
	ns.classes++ // class 0 included
	// The trie, with a sparse goto function first.
	type node struct {
		edges map[uint8]int32
		out   []int32
		fail  int32
	}
	nodes := []node{{edges: map[uint8]int32{}}}
	for id, s := range needles {
		cur := int32(0)
		for i := 0; i < len(s); i++ {
			c := ns.class[s[i]]
			nx, ok := nodes[cur].edges[c]
			if !ok {
				nodes = append(nodes, node{edges: map[uint8]int32{}})
				nx = int32(len(nodes) - 1)
				nodes[cur].edges[c] = nx
			}
			cur = nx
		}
		nodes[cur].out = append(nodes[cur].out, int32(id))
	}
	// Breadth-first: failure links and the dense transition table.
	ns.next = make([]int32, len(nodes)*ns.classes)
	ns.out = make([][]int32, len(nodes))
	queue := []int32{0}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		ns.out[u] = append(ns.out[u], nodes[u].out...)
		if u != 0 {
			ns.out[u] = append(ns.out[u], ns.out[nodes[u].fail]...)
		}
		for c := 0; c < ns.classes; c++ {
			v, ok := nodes[u].edges[uint8(c)]
			switch {
			case ok:
				if u == 0 {
					nodes[v].fail = 0
				} else {
					nodes[v].fail = ns.next[int(nodes[u].fail)*ns.classes+c]
				}
				ns.next[int(u)*ns.classes+c] = v
				queue = append(queue, v)
			case u == 0:
				ns.next[c] = 0
			default:
				ns.next[int(u)*ns.classes+c] = ns.next[int(nodes[u].fail)*ns.classes+c]
			}
		}
	}
	return ns
}

// find marks in found (a bitset of len (n+63)/64) every needle in s.
func (ns *needleSet) find(s string, found []uint64) {
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = ns.next[int(state)*ns.classes+int(ns.class[s[i]])]
		for _, id := range ns.out[state] {
			found[id>>6] |= 1 << (id & 63)
		}
	}
}
