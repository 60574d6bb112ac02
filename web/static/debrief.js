// The debrief's sections fold (details elements, open at first). The
// section bar opens or closes them all, and the page prints whole: every
// section is opened for printing and put back as it was afterwards.

const folds = () => [...document.querySelectorAll("details.fold")];

function setAll(open) {
  for (const d of folds()) d.open = open;
}

document.getElementById("expand-all")?.addEventListener("click", () => setAll(true));
document.getElementById("collapse-all")?.addEventListener("click", () => setAll(false));
document.getElementById("print-debrief")?.addEventListener("click", () => window.print());

// A link to a section or to a line inside a closed one opens it first.
function reveal(hash) {
  const target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
  const fold = target && target.closest("details.fold");
  if (fold && !fold.open) fold.open = true;
}
window.addEventListener("hashchange", () => reveal(location.hash));
reveal(location.hash);

let closed = [];
window.addEventListener("beforeprint", () => {
  closed = folds().filter((d) => !d.open);
  for (const d of closed) d.open = true;
});
window.addEventListener("afterprint", () => {
  for (const d of closed) d.open = false;
  closed = [];
});
