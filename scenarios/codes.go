package scenarios

// Diagnostic codes. They are stable: tools and trainers search for them, and
// docs/diagnostics.md explains each one with an example. Never reuse a
// retired code.
//
// DR1xxx: the file and its structure. DR2xxx: references to things the
// scenario does not define. DR3xxx: the policy. DR4xxx: expressions.
// DR5xxx: lints (warnings).
const (
	CodeRead          = "DR1000" // the file cannot be read
	CodeSyntax        = "DR1001" // YAML syntax error
	CodeTooLarge      = "DR1002" // over MaxFileSize
	CodeEmpty         = "DR1003" // no content
	CodeBinary        = "DR1004" // not UTF-8 text
	CodeTab           = "DR1005" // tab in indentation
	CodeAlias         = "DR1006" // aliases that expand too much or contain themselves; merge keys
	CodeTooDeep       = "DR1007" // nesting deeper than MaxDepth
	CodeDocuments     = "DR1008" // more than one YAML document
	CodeRoot          = "DR1009" // the root is not a mapping
	CodeUnknownKey    = "DR1010" // a key the language does not have
	CodeDuplicateKey  = "DR1011" // a key written twice in one mapping
	CodeType          = "DR1012" // a value of the wrong kind or type
	CodeEnum          = "DR1013" // a value not among the allowed ones
	CodeRequired      = "DR1014" // a required key is missing
	CodeDuration      = "DR1015" // a malformed duration
	CodeTag           = "DR1016" // an explicit YAML tag other than the core ones
	CodeTooMany       = "DR1017" // more than MaxDiagnostics problems in one file
	CodeDuplicateID   = "DR1020" // two things of one kind share an id
	CodeSchedule      = "DR1021" // a beat needs exactly one of at, after, every
	CodeStepKind      = "DR1022" // a step needs exactly one kind
	CodeRequirement   = "DR1023" // a requirement needs exactly one of dispatch, escalate
	CodeVariation     = "DR1024" // a malformed variation
	CodeRange         = "DR1025" // a number out of its range
	CodeCombination   = "DR1026" // an option that needs another one, or excludes it
	CodeVarValue      = "DR1027" // a variable's initial value does not have its type
	CodeIDFormat      = "DR1028" // an id with spaces or other characters ids cannot have
	CodeUnknownSvc    = "DR2001" // no such service in cast.services
	CodeUnknownTeam   = "DR2002" // no such team in cast.teams
	CodeUnknownCast   = "DR2003" // no such cast member (customer, service or team)
	CodeUnknownPhase  = "DR2004" // no such phase
	CodeUnknownVar    = "DR2005" // no such variable
	CodeUnknownIntent = "DR2006" // no such intent
	CodeUnknownFired  = "DR2007" // no such beat or reaction
	CodeUnknownEnding = "DR2008" // no such ending
	CodeUnknownField  = "DR2009" // no such incident-record field
	CodeUnknownDecide = "DR2010" // no such decision
	CodeUnknownGap    = "DR2011" // not an interval kind
	CodeTimingVary    = "DR2012" // a timing's vary.NAME names no between variation
	CodeUnknownRule   = "DR2013" // no such rule in the rubric
	CodeUnknownBand   = "DR2014" // no such score band
	CodeMistakeTag    = "DR2015" // a test tagged with a mistake the rubric declares no rule for
	CodeUnknownWrapUp = "DR2016" // no such wrap-up code
	CodeNoPolicy      = "DR3001" // the scenario's policy is not loaded
	CodeCategory      = "DR3002" // a category the taxonomy does not have
	CodeImpact        = "DR3003" // an impact level the policy does not have
	CodeUrgency       = "DR3004" // an urgency level the policy does not have
	CodePriority      = "DR3005" // priority is not matrix[impact][urgency]
	CodeMatrix        = "DR3006" // the policy's matrix is incomplete or names unknown levels
	CodeDupPolicy     = "DR3007" // two policy files share an id
	CodeEscalation    = "DR3008" // a policy escalation rule names an unknown category or priority
	CodeBands         = "DR3009" // score bands out of order, or pass mark out of range
	CodeBadPolicy     = "DR3010" // the policy the scenario uses has errors
	CodeExpr          = "DR4001" // an expression does not compile
	CodeNotBool       = "DR4002" // a condition that is not true or false
	CodeSetType       = "DR4003" // a set step gives the wrong type for its variable
	CodeInterpolation = "DR4004" // a malformed {{ }} in a text
	CodeRegexp        = "DR4005" // an intent pattern that is not a valid regular expression
	CodeBareID        = "DR4006" // an id argument written without quotes
	CodeUnreachable   = "DR5001" // a phase nothing enters
	CodeUnreadVar     = "DR5002" // a variable nothing reads
	CodeNeverApplies  = "DR5003" // a rule whose na is always true
	CodeConstant      = "DR5004" // a check or guard that is constant
	CodeUnusedVary    = "DR5005" // a variation nothing reads
	CodeNoMistakeRule = "DR5006" // a classic mistake no rule catches
	CodePassMarkBand  = "DR5007" // the pass mark falls inside a band
	CodeEarlyChase    = "DR5008" // the customer chases before the silence standard has passed
	// DR51xx: the intent lints run by validate (simulator.Drill.IntentLints).
	CodeTooFewExamples    = "DR5101" // an intent recognised by examples has too few
	CodeConfusableExample = "DR5102" // an example the model reads as another intent
	CodePatternOverlap    = "DR5103" // an always pattern matches another intent's example
)

// Codes lists every diagnostic code with its severity and a one-line title,
// in order. docs/diagnostics.md documents each (a test checks it).
var Codes = []CodeInfo{
	{CodeRead, Error, "The file cannot be read"},
	{CodeSyntax, Error, "YAML syntax error"},
	{CodeTooLarge, Error, "File too large"},
	{CodeEmpty, Error, "Empty file"},
	{CodeBinary, Error, "Not a text file"},
	{CodeTab, Error, "Tab in indentation"},
	{CodeAlias, Error, "Alias bomb, cyclic alias or merge key"},
	{CodeTooDeep, Error, "Nesting too deep"},
	{CodeDocuments, Error, "More than one document"},
	{CodeRoot, Error, "The file is not a mapping"},
	{CodeUnknownKey, Error, "Unknown key"},
	{CodeDuplicateKey, Error, "Duplicate key"},
	{CodeType, Error, "Wrong type"},
	{CodeEnum, Error, "Value not allowed"},
	{CodeRequired, Error, "Missing required key"},
	{CodeDuration, Error, "Invalid duration"},
	{CodeTag, Error, "YAML tag not allowed"},
	{CodeTooMany, Error, "Too many problems"},
	{CodeDuplicateID, Error, "Duplicate id"},
	{CodeSchedule, Error, "Beat schedule"},
	{CodeStepKind, Error, "Step kind"},
	{CodeRequirement, Error, "Requirement kind"},
	{CodeVariation, Error, "Malformed variation"},
	{CodeRange, Error, "Number out of range"},
	{CodeCombination, Error, "Option needs or excludes another"},
	{CodeVarValue, Error, "Initial value of the wrong type"},
	{CodeIDFormat, Error, "Malformed id"},
	{CodeUnknownSvc, Error, "Unknown service"},
	{CodeUnknownTeam, Error, "Unknown team"},
	{CodeUnknownCast, Error, "Unknown cast member"},
	{CodeUnknownPhase, Error, "Unknown phase"},
	{CodeUnknownVar, Error, "Unknown variable"},
	{CodeUnknownIntent, Error, "Unknown intent"},
	{CodeUnknownFired, Error, "Unknown beat or reaction"},
	{CodeUnknownEnding, Error, "Unknown ending"},
	{CodeUnknownField, Error, "Unknown record field"},
	{CodeUnknownDecide, Error, "Unknown decision"},
	{CodeUnknownGap, Error, "Unknown interval kind"},
	{CodeTimingVary, Error, "Timing names no between variation"},
	{CodeUnknownRule, Error, "Unknown rule"},
	{CodeUnknownBand, Error, "Unknown band"},
	{CodeMistakeTag, Error, "Test tagged with an undeclared mistake"},
	{CodeUnknownWrapUp, Error, "Unknown wrap-up code"},
	{CodeNoPolicy, Error, "Unknown policy"},
	{CodeCategory, Error, "Category not in the taxonomy"},
	{CodeImpact, Error, "Unknown impact level"},
	{CodeUrgency, Error, "Unknown urgency level"},
	{CodePriority, Error, "Priority does not match the matrix"},
	{CodeMatrix, Error, "Incomplete or inconsistent priority matrix"},
	{CodeDupPolicy, Error, "Duplicate policy id"},
	{CodeEscalation, Error, "Escalation rule names an unknown category or priority"},
	{CodeBands, Error, "Score bands or pass mark out of order"},
	{CodeBadPolicy, Error, "The policy has errors"},
	{CodeExpr, Error, "Expression does not compile"},
	{CodeNotBool, Error, "Condition is not true or false"},
	{CodeSetType, Error, "Set gives the wrong type"},
	{CodeInterpolation, Error, "Malformed interpolation"},
	{CodeRegexp, Error, "Invalid intent pattern"},
	{CodeBareID, Error, "Id without quotes"},
	{CodeUnreachable, Warning, "Unreachable phase"},
	{CodeUnreadVar, Warning, "Variable never read"},
	{CodeNeverApplies, Warning, "Rule never applies"},
	{CodeConstant, Warning, "Constant condition"},
	{CodeUnusedVary, Warning, "Variation never used"},
	{CodeNoMistakeRule, Warning, "Classic mistake without a rule"},
	{CodePassMarkBand, Warning, "Pass mark inside a band"},
	{CodeEarlyChase, Warning, "Chase before the silence standard"},
	{CodeTooFewExamples, Warning, "Too few intent examples"},
	{CodeConfusableExample, Warning, "Confusable intent example"},
	{CodePatternOverlap, Warning, "Intent pattern matches another intent's example"},
}

// CodeInfo describes one diagnostic code.
type CodeInfo struct {
	Code     string
	Severity Severity
	Title    string
}

var codeSeverity = func() map[string]Severity {
	m := make(map[string]Severity, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c.Severity
	}
	return m
}()
