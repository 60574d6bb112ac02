// Forms with class "confirm" ask before they submit, with the text of their
// data-confirm attribute (no inline handlers: the CSP forbids them).
for (const form of document.querySelectorAll("form.confirm")) {
  form.addEventListener("submit", (e) => {
    if (form.classList.contains("confirm") && !window.confirm(form.dataset.confirm || "Are you sure?")) e.preventDefault();
  });
}
