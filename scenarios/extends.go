package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// hasRootKey reports whether the root mapping of a file has key.
func hasRootKey(root *yaml.Node, key string) bool {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// extend merges a policy that extends parent (child, as decoded, with d
// telling which keys it wrote) into a whole policy, and checks what the
// child wrote against the result. The merge rules:
//
//   - a key the child leaves out is the parent's;
//   - taxonomy: the parent's entries minus remove.taxonomy (and the
//     escalation rules for them); a child entry replaces the parent's with
//     the same id in place, or is added at the end;
//   - intents, intent_examples, intent_counterexamples, intent_never and
//     intent_implies: the parent's minus remove.intents (from all five); a
//     child's list for an intent replaces the parent's list of that name,
//     or is added; intent_threshold: the child's when it sets one;
//   - matrix: merged cell by cell; labels: label by label; cadence, mood and reply_pace: field by field;
//   - impacts, urgencies, priorities, escalation, bands, pass_mark,
//     on_disconnect and disconnect_budget: the child's replace the parent's.
func (l *Loader) extend(parent, child *Policy, d *decoder, dl *diagList) *Policy {
	r := *parent
	r.ID, r.Title, r.Version, r.Extends, r.Remove = child.ID, child.Title, child.Version, child.Extends, child.Remove
	r.File, r.Source = "", nil

	removedCat := map[string]bool{}
	if child.Remove != nil {
		for i, id := range child.Remove.Taxonomy {
			if !hasCategory(parent, id) {
				dl.add(CodeCategory, d.at(fmt.Sprintf("remove.taxonomy[%d]", i)), "remove.taxonomy: policy %s has no category %q%s", parent.ID, id, suggest(id, categoryIDs(parent)))
			}
			removedCat[id] = true
		}
		known := policyIntents(parent)
		for i, name := range child.Remove.Intents {
			if !known[name] {
				dl.add(CodeUnknownIntent, d.at(fmt.Sprintf("remove.intents[%d]", i)), "remove.intents: policy %s has no intent %q%s", parent.ID, name, suggestKey(name, known))
			}
		}
	}
	r.Taxonomy = nil
	for _, c := range parent.Taxonomy {
		if !removedCat[c.ID] {
			r.Taxonomy = append(r.Taxonomy, c)
		}
	}
	checkCategoryIDs(&checker{d: d, l: dl}, child.Taxonomy, "taxonomy")
	for _, c := range child.Taxonomy {
		if i := slices.IndexFunc(r.Taxonomy, func(x Category) bool { return x.ID == c.ID }); i >= 0 {
			r.Taxonomy[i] = c
		} else {
			r.Taxonomy = append(r.Taxonomy, c)
		}
	}

	// Each of the recogniser's maps: the parent's, less the removed
	// intents, with the child's lists replacing the parent's intent by
	// intent.
	intentPatterns(dl, d, child.Intents, "intents")
	intentPatterns(dl, d, child.IntentNever, "intent_never")
	intentExamples(dl, d, child.IntentExamples, "intent_examples")
	intentExamples(dl, d, child.IntentCounters, "intent_counterexamples")
	for _, m := range []struct{ dst, parent, child *map[string][]string }{
		{&r.Intents, &parent.Intents, &child.Intents},
		{&r.IntentExamples, &parent.IntentExamples, &child.IntentExamples},
		{&r.IntentCounters, &parent.IntentCounters, &child.IntentCounters},
		{&r.IntentNever, &parent.IntentNever, &child.IntentNever},
		{&r.IntentImplies, &parent.IntentImplies, &child.IntentImplies},
	} {
		merged := map[string][]string{}
		for k, v := range *m.parent {
			merged[k] = v
		}
		if child.Remove != nil {
			for _, name := range child.Remove.Intents {
				delete(merged, name)
			}
		}
		for k, v := range *m.child {
			merged[k] = v
		}
		*m.dst = merged
	}
	if child.IntentThreshold != 0 {
		r.IntentThreshold = child.IntentThreshold
	}

	if d.has("impacts") {
		r.Impacts = child.Impacts
		uniqueStrings(d, dl, child.Impacts, "impacts", "impact level")
	}
	if d.has("urgencies") {
		r.Urgencies = child.Urgencies
		uniqueStrings(d, dl, child.Urgencies, "urgencies", "urgency level")
	}
	if d.has("priorities") {
		r.Priorities = child.Priorities
	}
	if d.has("matrix") {
		r.Matrix = mergeMatrix(parent.Matrix, child.Matrix)
	}
	if d.has("matrix") || d.has("impacts") || d.has("urgencies") || d.has("priorities") {
		checkMatrix(d, dl, &r, r.Matrix, "matrix", true)
	}
	r.Escalation = nil
	for _, e := range parent.Escalation {
		if !removedCat[e.Category] {
			r.Escalation = append(r.Escalation, e)
		}
	}
	if d.has("escalation") {
		r.Escalation = child.Escalation
		checkEscalation(d, dl, &r, child.Escalation, "escalation")
	}
	mergeFields(reflect.ValueOf(&r.Cadence).Elem(), reflect.ValueOf(child.Cadence), "cadence", d)
	mergeFields(reflect.ValueOf(&r.Mood).Elem(), reflect.ValueOf(child.Mood), "mood", d)
	mergeFields(reflect.ValueOf(&r.ReplyPace).Elem(), reflect.ValueOf(child.ReplyPace), "reply_pace", d)
	if d.has("bands") {
		r.Bands = child.Bands
		checkBands(d, dl, child.Bands, "bands")
	}
	if d.has("pass_mark") {
		r.PassMark = child.PassMark
		if r.PassMark < 0 || r.PassMark > 100 {
			dl.add(CodeBands, d.at("pass_mark"), "pass_mark is a percentage, 0 to 100")
		}
	}
	if d.has("on_disconnect") {
		r.Disconnect = child.Disconnect
	}
	if child.Labels != nil {
		m := map[string]string{}
		for k, v := range parent.Labels {
			m[k] = v
		}
		for k, v := range child.Labels {
			m[k] = v
		}
		r.Labels = m
	}
	if d.has("disconnect_budget") {
		r.DisconnectBudget = child.DisconnectBudget
	}
	if d.has("wrap_up") {
		r.WrapUp = child.WrapUp
	}
	if d.has("hint_cost") {
		r.HintCost = child.HintCost
		checkHintCost(d, dl, child.HintCost)
	}
	return &r
}

// mergeFields copies the fields of src that the file wrote (under path)
// into dst, a struct of the same type.
func mergeFields(dst, src reflect.Value, path string, d *decoder) {
	t := src.Type()
	for i := 0; i < t.NumField(); i++ {
		name := yamlName(t.Field(i))
		if name != "" && d.has(path+"."+name) {
			dst.Field(i).Set(src.Field(i))
		}
	}
}

// yamlName is the key of a struct field ("" for yaml:"-").
func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}
