// Package drillroom names the application's nouns and contracts: users and
// their roles, the actors of a session, scenario versions, assignments,
// sessions with their modes and states, commands, scorecards and reviews,
// and one coded error vocabulary that every other package wraps.
//
// It imports no package of the module. The other packages each adapt one
// concern to these nouns: scenarios (the YAML language), simulator (the pure
// engine), scoring, runner (live sessions on real time), store (SQLite),
// web (HTTP and the websocket protocol) and cmd/drillroom (wiring).
package drillroom
