// Shared page behaviour. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "alert alert-danger position-fixed bottom-0 end-0 m-3";
    box.setAttribute("role", "alert");
    document.body.appendChild(box);
  }
  var text = evt.detail.xhr.responseText || "";
  try { text = JSON.parse(text).error.message; } catch (e) { text = evt.detail.xhr.statusText; }
  box.textContent = text || document.body.dataset.requestFailed;
});
// Confirm buttons carrying data-confirm before their form submits.
document.addEventListener("submit", function (evt) {
  var btn = evt.submitter;
  if (btn && btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) { evt.preventDefault(); }
});
// Record lists read as cards on a phone. Every cell of a table.table-stack is given its column's
// heading as data-label; below 576px the stylesheet lays each row out as a card and shows the label
// before the value. Without this script the table stays an ordinary table.
function labelStackedTables() {
  document.querySelectorAll("table.table-stack").forEach(function (table) {
    var heads = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) { heads.push(th.textContent.trim()); }
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.cells, function (cell) {
        var span = cell.colSpan || 1;
        if (!cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", span >= heads.length ? "" : heads[col] || "");
        }
        col += span;
      });
    });
    table.classList.add("is-stacked");
  });
}
labelStackedTables();
document.addEventListener("htmx:afterSettle", labelStackedTables);
// Fields that apply to only some choices of another field of the form (a collective proposal's
// proposing unit): a box with data-shown-for="kind=collective" (several values: "kind=a,b") is hidden
// while the form's "kind" has another value. Without this script every field stays shown; hidden
// fields keep what was typed in them, and the services ignore what does not apply.
function showDependentFields(root) {
  (root || document).querySelectorAll("form [data-shown-for]").forEach(function (box) {
    var form = box.closest("form");
    var spec = box.dataset.shownFor.split("=");
    var name = spec[0], values = (spec[1] || "").split(",");
    function update() {
      var control = form.elements[name];
      box.hidden = Boolean(control) && values.indexOf(control.value) === -1;  // no such field: shown
    }
    if (!box.hasAttribute("data-shown-ready")) {
      box.setAttribute("data-shown-ready", "");
      form.addEventListener("change", function (evt) { if (evt.target.name === name) { update(); } });
    }
    update();
  });
}
showDependentFields();
document.addEventListener("htmx:afterSettle", function (evt) { showDependentFields(evt.target); });
// Long lists of people (or units): a <select data-filter> gets a box above it to type part of a name
// (its placeholder is the attribute's value). Options that do not match are taken out of the list,
// not hidden (phone browsers show hidden options all the same); the chosen ones always stay, so
// filtering never changes what is chosen or sent. In a list to choose several from
// (data-filter-chosen), a click adds or removes one name without the Ctrl key, and the chosen
// names are listed below the list. Without this script it is the plain list.
function enhanceFilterSelects(root) {
  (root || document).querySelectorAll("select[data-filter]:not([data-filter-ready])").forEach(function (select) {
    select.setAttribute("data-filter-ready", "");
    var all = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.filter;
    box.setAttribute("aria-label", select.dataset.filter);
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    box.dataset.filterFor = select.name;
    select.parentNode.insertBefore(box, select);
    box.addEventListener("keydown", function (evt) { if (evt.key === "Enter") { evt.preventDefault(); } });
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      select.replaceChildren.apply(select, all.filter(function (o) {
        return o.selected || !o.value || !words || o.text.toLowerCase().indexOf(words) !== -1;
      }));
    });
    if (!select.multiple || select.dataset.filterChosen === undefined) { return; }
    var chosen = document.createElement("div");
    chosen.className = "form-text";
    chosen.setAttribute("aria-live", "polite");
    chosen.dataset.filterChosenFor = select.name;
    select.insertAdjacentElement("afterend", chosen);
    function listChosen() {
      var names = all.filter(function (o) { return o.selected; }).map(function (o) { return o.text; });
      chosen.textContent = names.length ? select.dataset.filterChosen + names.join("、") : "";
    }
    select.addEventListener("mousedown", function (evt) {
      var option = evt.target;
      if (option.tagName !== "OPTION" || evt.ctrlKey || evt.metaKey || evt.shiftKey) { return; }
      evt.preventDefault();
      option.selected = !option.selected;
      select.focus();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", listChosen);
    listChosen();
  });
}
enhanceFilterSelects();
document.addEventListener("htmx:afterSettle", function (evt) { enhanceFilterSelects(evt.target); });
// A form sent back with problems: bring the first marked field (or the form's own error box) into
// view, since the form may sit far down a long page and its message is shown only there.
(function () {
  var bad = document.querySelector("form .is-invalid, form [aria-invalid='true'], form .alert-danger");
  if (!bad || (document.activeElement && document.activeElement !== document.body)) { return; }
  bad.scrollIntoView({ block: "center" });
  if (typeof bad.focus === "function" && bad.matches("input, select, textarea")) { bad.focus({ preventScroll: true }); }
})();
