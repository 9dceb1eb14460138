// Layan works without JavaScript; this only improves it.
// An error summary takes focus so screen-reader users hear what went wrong (autofocus alone is not
// honoured by every browser on elements that are not form fields).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
