// The counter console refreshes itself when the branch's queue changes (within a second), unless the
// officer is in the middle of choosing something.
(function () {
  "use strict";
  var root = document.querySelector(".console[data-events]");
  if (!root || !window.EventSource) { return; }
  var source = new EventSource(root.dataset.events);
  var first = true;
  source.addEventListener("state", function () {
    if (first) { first = false; return; }  // the state sent on connecting is what the page already shows
    var active = document.activeElement;
    if (active && (active.tagName === "SELECT" || active.tagName === "INPUT")) { return; }
    window.location.reload();
  });
})();
