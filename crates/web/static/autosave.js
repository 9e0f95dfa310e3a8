// Saves a form marked data-autosave a moment after typing stops: the server answers 204
// with the new version (kept in the form's "version" field) or an error to show. The form
// still works without it, by its button.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var status = document.getElementById("autosave-status");
  var timer = null;
  var saving = false;
  function say(text) { if (status) status.textContent = text; }
  function save() {
    if (saving) { timer = setTimeout(save, 500); return; }
    saving = true;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-autosave"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 204) {
          form.elements["version"].value = r.headers.get("X-Report-Version");
          say(form.getAttribute("data-saved") + " " + new Date().toLocaleTimeString());
          return null;
        }
        return r.text().then(function (t) { say(t); });
      })
      .catch(function () { say(form.getAttribute("data-offline")); })
      .then(function () { saving = false; });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
})();
