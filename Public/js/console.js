// The counter console refreshes itself when the branch's queue changes (within a second), unless the
// officer is in the middle of choosing something.
(function () {
  "use strict";
  var root = document.querySelector(".console[data-events]");
  if (!root || !window.EventSource) { return; }
  var source = new EventSource(root.dataset.events);
  var first = true;
  // Once the officer has pressed a button the browser is on its way to the answer: a reload now would replace that
  // navigation, and the page it brings (with the action's confirmation) would be lost. The queue change the action
  // itself caused often arrives first — from another instance, always before the answer.
  document.addEventListener("submit", function () { source.close(); }, true);
  source.addEventListener("state", function () {
    if (first) { first = false; return; }  // the state sent on connecting is what the page already shows
    var active = document.activeElement;
    if (active && (active.tagName === "SELECT" || active.tagName === "INPUT")) { return; }
    window.location.reload();
  });
})();
