// The telephone wallboard: reads /telephone/wallboard.json every two seconds and updates the figures in place.
// Text only (textContent), never markup from the server.
(function () {
  "use strict";
  var board = document.getElementById("wallboard");
  if (!board) return;
  var source = board.getAttribute("data-source");
  function field(name) { return board.querySelector('[data-field="' + name + '"]'); }
  function set(name, text) { var el = field(name); if (el) el.textContent = text; }
  function render(data) {
    set("waiting", String(data.waiting.length));
    set("longestWait", data.longestWait + " s");
    set("charterLevel", data.charterLevel);
    set("answered", data.withinToday + " / " + data.answeredToday);
    set("abandoned", String(data.abandonedToday));
    var body = field("callers");
    if (!body) return;
    while (body.firstChild) body.removeChild(body.firstChild);
    data.waiting.forEach(function (c) {
      var row = document.createElement("tr");
      if (c.over) row.className = "row--alert";
      [c.queue, c.caller, c.seconds + " s"].forEach(function (text) {
        var cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }
  function poll() {
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
