// The drill's virtual clock, as the console shows it. formatClock is the
// script's copy of transcript.Clock (m:ss, h:mm:ss past an hour).

export function formatClock(ms) {
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, ss = s % 60;
  const pad = (n) => (n < 10 ? "0" : "") + n;
  return h > 0 ? h + ":" + pad(m) + ":" + pad(ss) : m + ":" + pad(ss);
}

// formatDuration is the script's copy of transcript.Duration: a length of
// time as the clock reads (2:00), "never" when negative.
export function formatDuration(ms) {
  return ms < 0 ? "never" : formatClock(ms);
}

// VirtualClock runs the session's clock between the server's reports: the
// virtual time t at a moment of the page's own clock, and whether and how
// fast it runs.
export class VirtualClock {
  constructor() { this.set(0, false, 1); }

  set(t, running, scale) {
    this.t = t;
    this.running = running;
    this.scale = scale || 1;
    this.at = performance.now();
  }

  // now is the virtual time in milliseconds.
  now() {
    if (!this.running) return this.t;
    return this.t + (performance.now() - this.at) * this.scale;
  }
}
