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
  box.textContent = text || "请求失败，请重试。";
});
// Confirm buttons carrying data-confirm before their form submits.
document.addEventListener("submit", function (evt) {
  var btn = evt.submitter;
  if (btn && btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) { evt.preventDefault(); }
});
