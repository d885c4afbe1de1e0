// Polls the import's JSON status and updates the progress bar; reloads the page when finished.
(function () {
  "use strict";
  var box = document.getElementById("import-run");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function set(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        document.getElementById("import-progress").value = data.progress;
        set("import-percent", data.progress);
        set("import-stage", data.stage);
        set("import-status", data.status_display);
        ["rows", "created", "updated", "unchanged", "errors", "historical", "warnings"].forEach(function (key) {
          set("import-" + key, data[key]);
        });
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
