// The draft form (#draft-form) autosaves through htmx while the author types, and its buttons send the
// whole form with the version it was read at (optimistic locking). A button must not race the autosave:
// the autosave bumps the version, so a form sent while one is on its way, or one sent just after it,
// would be refused as someone else's edit although it was the author's own. So a submit waits for the
// autosave in flight (its answer carries the new version into the form) and is then sent with the button
// pressed; once the form is being sent no further autosave starts (the form carries the same text).
// Without this script there is no autosave either (htmx), and the buttons send the form as usual.
(function () {
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var inFlight = false;
  var sending = false;
  var waiting = null;

  function send(button) {
    if (button && button.name) {
      var chosen = document.createElement("input");
      chosen.type = "hidden";
      chosen.name = button.name;
      chosen.value = button.value;
      chosen.setAttribute("data-chosen-button", "");
      form.appendChild(chosen);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  // Back on the page from the browser's history: it autosaves again, and the next button counts.
  window.addEventListener("pageshow", function (evt) {
    if (!evt.persisted) { return; }
    sending = false;
    waiting = null;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-chosen-button]").forEach(function (input) { input.remove(); });
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });

  form.addEventListener("htmx:beforeRequest", function (evt) {
    if (sending) { evt.preventDefault(); return; }
    inFlight = true;
  });
  form.addEventListener("htmx:afterRequest", function () {
    inFlight = false;
    if (waiting) {
      var button = waiting;
      waiting = null;
      send(button);
    }
  });
  form.addEventListener("submit", function (evt) {
    if (evt.defaultPrevented) { return; }
    sending = true;
    form.setAttribute("aria-busy", "true");
    if (!inFlight) { return; }
    evt.preventDefault();
    waiting = evt.submitter || form.querySelector("button[type=submit]");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
})();
