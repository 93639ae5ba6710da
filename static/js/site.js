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
// A form sent back with problems: bring the first marked field (or the form's own error box) into
// view, since the form may sit far down a long page and its message is shown only there.
(function () {
  var bad = document.querySelector("form .is-invalid, form [aria-invalid='true'], form .alert-danger");
  if (!bad || (document.activeElement && document.activeElement !== document.body)) { return; }
  bad.scrollIntoView({ block: "center" });
  if (typeof bad.focus === "function" && bad.matches("input, select, textarea")) { bad.focus({ preventScroll: true }); }
})();
